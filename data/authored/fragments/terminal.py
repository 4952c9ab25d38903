"""Terminal-heavy work: build, CI, deploy, containers, recovery, shell automation, logs."""

from __future__ import annotations

import random

from fragments.common import cap, fence, frame, maybe_lower

SERVICES = ["api", "billing-worker", "auth", "web", "ingest", "search", "notifications",
            "payments-gateway", "scheduler", "frontend", "grafana", "postgres", "redis", "kafka"]
DBS = ["postgres", "mysql", "mongodb", "redis", "the sqlite db", "mariadb", "elasticsearch"]
PATHS = ["/var/log/nginx", "/opt/app", "/srv/data", "/home/deploy/releases", "/etc/nginx/sites-enabled",
         "/var/lib/docker", "~/projects/site", "/mnt/backups", "/app", "/data/raw", "/tmp/build",
         "/usr/local/lib/python3.11", "/var/lib/postgresql/15/main", "/etc/systemd/system"]
CI = ["GitHub Actions", "the GitLab CI", "Jenkins", "CircleCI", "the Buildkite", "the Azure Pipelines"]
STEPS = ["build", "lint", "test", "docker build", "publish", "deploy-staging", "integration-tests",
         "migrate", "e2e", "package", "release"]
TOOLS = ["nginx", "caddy", "haproxy", "postgres 16", "redis", "node 20", "python 3.12", "go 1.22",
         "rust nightly", "java 21", "terraform", "ansible", "prometheus", "grafana", "k3s", "minio",
         "a gitea server", "jenkins", "wireguard", "openvpn", "docker", "podman", "nvidia drivers",
         "cuda 12", "the latest kubectl", "helm 3", "certbot", "fail2ban", "tailscale", "zsh + oh-my-zsh"]
ERRORS = [
    "permission denied (publickey)", "No space left on device", "Address already in use",
    "connection refused", "exec format error", "command not found", "Segmentation fault (core dumped)",
    "certificate verify failed", "Read-only file system", "Too many open files",
    "OOMKilled", "CrashLoopBackOff", "ImagePullBackOff", "ERESOLVE unable to resolve dependency tree",
    "error: linker `cc` not found", "fatal: refusing to merge unrelated histories",
    "E: Unable to locate package", "GLIBC_2.34 not found", "ModuleNotFoundError: No module named 'distutils'",
    "x509: certificate signed by unknown authority", "dial tcp 10.0.3.12:5432: i/o timeout",
    "Error response from daemon: driver failed programming external connectivity",
    "ssh: connect to host port 22: Connection timed out", "disk quota exceeded",
    "cannot allocate memory", "killed by signal 9", "mount: wrong fs type, bad option, bad superblock",
]
COMMANDS = [
    "docker compose up -d", "npm ci", "make -j8", "cargo build --release", "pip install -r requirements.txt",
    "kubectl apply -f k8s/", "terraform apply", "go build ./...", "./gradlew assemble", "mvn package",
    "helm upgrade --install api ./chart", "systemctl restart nginx", "git push origin main",
    "ansible-playbook site.yml", "yarn build", "poetry install", "cmake --build build", "pnpm install",
    "docker build -t app:latest .", "sudo apt-get upgrade", "pytest -x", "rsync -avz ./dist/ web01:/srv/www",
    "psql -h db -U app -f migrate.sql", "./configure && make", "uv sync", "bundle exec rake db:migrate",
]

TASKS = [
    "set up a cron job that backs up {db} every night to {path}",
    "figure out why `{cmd}` fails with \"{err}\" and fix it",
    "build {proj} from source and install it under /usr/local",
    "deploy the {svc} service to the staging cluster and make sure the pods come up healthy",
    "our {svc} container keeps getting {err2}; find out why and fix the compose file",
    "bring {db} back up after the disk filled up last night",
    "write a bash script that rotates the logs in {path} and gzips anything older than 7 days",
    "grep the nginx access logs for 5xx responses in the last hour and count them per endpoint",
    "ssh into web-02 and find out why the disk is at 100%",
    "install and configure {tool} on this ubuntu box",
    "get {tool} running in a docker container with a persistent volume",
    "the box stopped booting after a kernel upgrade, get it back to a working state",
    "set up a systemd service for {svc} that restarts on failure and logs to journald",
    "find which process is holding port {port} and kill it",
    "migrate the {svc} deployment from docker-compose to a helm chart",
    "tail the logs of the {svc} pod and tell me why it crashes on startup",
    "clean up dangling docker images and volumes, we're out of space on the runner",
    "set up nginx as a reverse proxy for the app on port {port} with a let's encrypt cert",
    "write a shell script that checks every host in hosts.txt for open port {port}",
    "bisect the repo to find which commit broke `{cmd}`",
    "restore the {db} dump from {path}/latest.sql.gz into a fresh database",
    "add a github actions workflow that runs the tests on every push and caches dependencies",
    "fix the failing `{step}` job in {ci}; it started failing after we bumped the base image",
    "rebuild the initramfs and fix the grub config so the server boots from the new disk",
    "configure ufw to only allow ssh, http and https",
    "set up log shipping from {path} to our loki instance with promtail",
    "rotate the TLS certificates on the {svc} ingress before they expire on friday",
    "convert all the .flac files in {path} to 320k mp3 with ffmpeg, keeping the folder structure",
    "compress every png in {path} in place without losing quality",
    "make `{cmd}` work offline inside the air-gapped build container",
    "recover the deleted branch `feature/{svc}` from the reflog and push it back",
    "resize the ext4 root partition after growing the EBS volume",
    "set up a local kubernetes cluster with kind and deploy the {svc} manifests to it",
    "find every file over 500MB under {path} and list them sorted by size",
    "write a makefile with build, test and release targets for this go project",
    "speed up the docker build, it takes 14 minutes because every layer gets rebuilt",
    "mount the nfs share from 10.0.0.5:/exports/media at {path} and make it survive reboots",
    "debug why the cron job in /etc/cron.d/{svc} never runs",
    "set up passwordless ssh between the build agents",
    "roll back the {svc} deployment to the previous revision and check the rollout status",
    "add swap to the VM, the build keeps getting killed for memory",
    "upgrade {db} from 14 to 16 using pg_upgrade without losing data",
    "find out why DNS resolution is broken inside the containers",
    "script the nightly export: dump {db}, encrypt it with gpg and upload it to s3://backups/{svc}/",
    "repair the broken apt state, dpkg was interrupted halfway through an upgrade",
    "get the CUDA toolkit working in the container, nvidia-smi works on the host but not inside",
    "untar the release bundle in {path}, verify the sha256 sums and install it",
    "set the correct permissions on {path} so the www-data user can write uploads",
    "trace which syscall is hanging when `{cmd}` freezes",
    "create a python virtualenv, pin the dependencies and make `pytest` pass in /app",
    "compile the project in /app with the given Makefile and fix whatever breaks",
    "the pre-commit hooks fail on every commit in CI but pass locally, sort it out",
    "dig through journalctl for why {svc}.service failed at 03:12 this morning",
    "count unique IPs hitting /login in today's auth log and show the top 20",
    "set up a git bare repo on the server with a post-receive hook that deploys to {path}",
]

TB_TASKS = [
    "There's a {lang} project in /app that doesn't compile. Get `{cmd}` to succeed without editing the tests.",
    "A service is supposed to listen on port {port} in this container but curl gets connection refused. Find the problem and fix it so `curl localhost:{port}/health` returns 200.",
    "The file /app/data/{svc}.log contains application logs. Write the number of ERROR lines per hour to /app/output/errors_by_hour.csv.",
    "Install {tool} in this environment and verify it works. The final check runs `{cmd}`.",
    "Someone accidentally ran `chmod -R 000` on {path}. Restore sane permissions so the app starts again.",
    "The git repository in /app has a corrupted index. Recover it so `git status` works and no committed work is lost.",
    "Set up a cron job in this container that runs /app/scripts/cleanup.sh every 15 minutes and writes its output to /var/log/cleanup.log.",
    "You are in a Linux shell with root access. Configure {tool} so that it starts on boot and serves the files in {path}.",
    "The build in /app fails with `{err}`. Diagnose and fix the environment; do not modify the source files.",
    "Create a tarball of {path} excluding node_modules and .git, then copy it to the backup host over scp.",
    "Write a script /app/solve.sh that downloads nothing, reads /app/input.txt and prints the three most common words.",
    "A database dump is at /app/dump.sql. Load it into a local {db} instance and report how many rows the orders table has in /app/answer.txt.",
    "The Python package in /app has a broken setup. Make `pip install -e .` and `{cmd}` work.",
    "Compile the C program in /app/src with optimisations, fix the linker error, and place the binary at /app/bin/server.",
    "Set up an SSH server in this container that only accepts key-based logins for user `ci`.",
]

ONELINERS = [
    "find all files named '*.tmp' older than 3 days in {path} and delete them",
    "one-liner to replace 'http://' with 'https://' in every .conf file recursively",
    "list the 10 biggest directories under {path}",
    "show which processes are listening on which ports",
    "count the lines of code in all .go files in this repo, excluding vendor",
    "print the lines of access.log where the status code is 502",
    "recursively change the owner of {path} to deploy:deploy",
    "kill every process whose name contains 'celery'",
    "extract the second column of data.csv and sort it uniquely",
    "show disk usage per mount point in human-readable form",
    "archive {path} into a dated tar.gz",
    "find files modified in the last 24 hours under {path}",
    "rename all .jpeg files in the current dir to .jpg",
    "watch the memory usage of the {svc} process every 2 seconds",
    "show the last 200 lines of the {svc} service's journal and follow it",
    "diff two directories and only print file names that differ",
    "get the public IP of this machine from the shell",
    "check whether port {port} on db.internal is reachable from here",
    "split a 4GB csv into 100MB chunks keeping the header in each",
    "find duplicate files in {path} by checksum",
]

SESSIONS = [
    ("$ {cmd}\n{err}\n", "what's going on here and how do I fix it?"),
    ("deploy@web-01:~$ {cmd}\nbash: {err}\n", "getting this on the prod box, help"),
    ("$ {cmd}\n...\n{err}\nmake: *** [Makefile:42: all] Error 1\n", "build is broken after pulling main, can you sort it out"),
    ("root@ip-10-0-1-23:/opt/app# {cmd}\n{err}\n", "any idea? this used to work yesterday"),
    ("PS C:\\repo> {cmd}\n{err}\n", "this fails on my windows runner only"),
    ("$ kubectl get pods -n {svc}\nNAME                      READY   STATUS             RESTARTS   AGE\n{svc}-7d9f8b6c4-x2kqp   0/1     {err2}   14         37m\n", "pods won't stay up. figure out why"),
    ("$ systemctl status {svc}\n● {svc}.service - {svc}\n     Loaded: loaded (/etc/systemd/system/{svc}.service; enabled)\n     Active: failed (Result: exit-code) since Tue 2024-05-14 03:12:44 UTC\n    Process: 1187 ExecStart=/usr/bin/{svc} (code=exited, status=203/EXEC)\n", "service won't start after the redeploy"),
    ("$ docker logs {svc} --tail 20\n{err}\n{err}\n", "container keeps restarting, look into it"),
    ("$ df -h\nFilesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1   50G   50G     0 100% /\n", "server is full, find what's eating the space and free it safely"),
]

CI_LOGS = [
    "Run {cmd}\n{err}\nError: Process completed with exit code 1.",
    "[{step}] $ {cmd}\n[{step}] {err}\n[{step}] ERROR: Job failed: exit code 2",
    "#12 [builder 4/7] RUN {cmd}\n#12 3.114 {err}\n#12 ERROR: process \"/bin/sh -c {cmd}\" did not complete successfully: exit code: 1",
    "+ {cmd}\n{err}\nBuild step 'Execute shell' marked build as failure\nFinished: FAILURE",
]
CI_ASKS = [
    "CI went red on main, log below. Fix it.",
    "The {step} stage in {ci} started failing this morning:",
    "can you figure out why this pipeline fails? nothing changed in the code",
    "our nightly build broke:",
    "Here's the failing job output from {ci}. What do we need to change in the workflow or the image?",
]
LANGS = ["C++", "Rust", "Go", "Java", "TypeScript", "Python", "C"]


def _fill(rng: random.Random, s: str) -> str:
    return s.format(
        db=rng.choice(DBS), path=rng.choice(PATHS), cmd=rng.choice(COMMANDS), err=rng.choice(ERRORS),
        err2=rng.choice(["OOMKilled", "CrashLoopBackOff", "ImagePullBackOff", "Error"]),
        svc=rng.choice(SERVICES), tool=rng.choice(TOOLS), port=rng.choice([80, 443, 3000, 5432, 6379, 8000, 8080, 9090]),
        ci=rng.choice(CI), step=rng.choice(STEPS), lang=rng.choice(LANGS),
        proj=rng.choice(["htop", "the llvm toolchain", "neovim", "our fork of redis", "ffmpeg with nvenc", "the firmware image"]),
    )


def generate(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.38:
        text = frame(rng, _fill(rng, rng.choice(TASKS)))
        if rng.random() < 0.25:
            text += "\n" + _fill(rng, rng.choice([
                "Box is Ubuntu 22.04, I have sudo.", "It's a Debian 12 VM on hetzner.",
                "We're on EKS 1.29.", "Running on an M2 mac with homebrew.", "This is RHEL 9.",
                "Last thing in the log was: {err}", "I already tried restarting it.",
                "Don't touch the prod database.", "The repo is in {path}.",
            ]))
        return maybe_lower(rng, text)
    if kind < 0.52:
        return _fill(rng, rng.choice(TB_TASKS))
    if kind < 0.66:
        return maybe_lower(rng, frame(rng, _fill(rng, rng.choice(ONELINERS))), 0.3)
    if kind < 0.84:
        session, ask = rng.choice(SESSIONS)
        body = fence(rng, _fill(rng, session), rng.choice(["", "bash", "console", "sh"]))
        ask = _fill(rng, ask)
        return f"{cap(ask)}\n\n{body}" if rng.random() < 0.5 else f"{body}\n{ask}"
    log = fence(rng, _fill(rng, rng.choice(CI_LOGS)), "")
    return f"{_fill(rng, rng.choice(CI_ASKS))}\n\n{log}"


FILE_ACTIONS = ["find", "list", "delete", "count", "copy", "move", "compress", "print the names of",
                "show the size of", "change the permissions to 644 for", "make executable", "search for 'TODO' in",
                "print the total disk usage of", "archive", "remove the execute bit from", "chown to www-data",
                "print the last modification time of", "print the line count of", "gzip"]
FILE_OBJECTS = ["all .log files", "regular files", "empty directories", "symbolic links", "files owned by root",
                "hidden files", "python files", "files larger than 100MB", "files not accessed in 30 days",
                "core dump files", "*.bak files", "files with spaces in their names", "broken symlinks",
                "directories named node_modules", "files modified in the last 2 days", "setuid binaries",
                "csv files", "duplicate jpgs", "files ending in ~", "world-writable files"]
FILE_WHERE = ["under the current directory", "in the current folder", "in this directory tree",
              "in the working directory and its subdirectories", "in the project folder", "in /var/log", "in my home directory", "recursively under src/",
              "in the directory tree rooted at /data", "in the current folder but not subfolders",
              "under /etc", "in $HOME/Downloads", "across the whole filesystem", "in /tmp", "below ./build"]
SYS_ONELINERS = [
    "show the top 5 processes by memory usage", "print the current user's crontab", "display the kernel version",
    "set JAVA_HOME for the current shell session", "count the number of lines in each file in the directory",
    "print the first 10 lines of every csv in the folder", "show the PID of the sshd daemon",
    "compare two files line by line and show only the differences", "list all environment variables sorted",
    "print the number of CPU cores", "show listening tcp sockets with the owning process",
    "print the uptime and load average", "list installed packages that contain 'python'",
    "create a 1GB file filled with zeros", "generate a random 32-char password from /dev/urandom",
    "list the users currently logged in", "print the hostname and IP address", "show open files of process 4512",
    "send the output of a long command to both the screen and a log file", "run the script in the background and keep it alive after logout",
    "batch rename photo_001.JPG style files to lowercase", "print lines 100 to 200 of a big file",
    "replace tabs with 4 spaces in all .py files", "show the 20 most recently modified files", "mount the usb drive at /mnt/usb",
    "check the md5sum of every file in the directory", "print the size of each subdirectory in MB, sorted",
    "save the list of running processes to a file", "print the current working directory's name only",
    "set a variable to today's date in YYYY-MM-DD format", "make a numbered backup of config.yml before editing it",
    "print every line of notes.txt that contains an email address", "count how many files each user owns in /home",
    "create nested directories a/b/c in one go", "make a symlink called latest pointing to the newest release folder",
    "show how long ago each file in the folder was modified", "print the 3rd field of /etc/passwd for every user",
    "test whether a file is older than one hour", "delete every empty file and folder under the current directory",
    "remove carriage returns from a windows text file", "list files in the directory sorted by size, largest first",
    "append the date to every line of a log file", "print the number of unique visitors in access.log",
]


def _file_task(rng: random.Random) -> str:
    if rng.random() < 0.35:
        task = rng.choice(SYS_ONELINERS)
    else:
        task = f"{rng.choice(FILE_ACTIONS)} {rng.choice(FILE_OBJECTS)} {rng.choice(FILE_WHERE)}"
    style = rng.random()
    if style < 0.4:
        return cap(task) + rng.choice([".", "", " from the command line.", " using find.", " in bash.", " with a one-liner."])
    if style < 0.7:
        return frame(rng, task)
    return rng.choice(["bash: ", "shell command to ", "terminal: how to ", "linux: ", "one liner to ", "cmd to "]) + task


_generate_main = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return _file_task(rng)
    return _generate_main(rng)


AGENT_TASKS = [
    "Your goal is to get the Flask app in /app running under gunicorn with 4 workers behind nginx. The health check at http://localhost/healthz must return 200.",
    "Create a file /app/result.txt containing the SHA-256 of every file in /app/data, one per line, sorted by filename.",
    "A password-protected zip is in /app/secret.zip. The password is a 4-digit PIN. Extract it and put the contents of flag.txt in /app/answer.txt.",
    "Somebody committed an AWS key to this repository and then removed it in a later commit. Find the key in the git history and write it to /app/leaked.txt, then purge it from history.",
    "Build the legacy C project in /app/legacy (it needs an old autotools setup) and make `./configure && make && make check` pass.",
    "Boot the provided disk image with QEMU in headless mode and get a shell over the serial console; write the kernel version to /app/kernel.txt.",
    "The Jupyter server in this container won't start. Fix it so that `jupyter lab --no-browser --port 8888` comes up and serves /app/notebooks.",
    "Train the small model defined in /app/train.py on the CPU until validation accuracy exceeds 0.9 and save the weights to /app/model.pt. Fix any environment issues you hit.",
    "Set up a local PyPI mirror for the packages listed in /app/requirements.txt and configure pip to use it.",
    "Download nothing from the internet. Using only the tools in the container, convert /app/data/records.xml into a CSV with columns id,name,total.",
    "Configure logrotate so that /var/log/app/*.log are rotated daily, kept for 14 days and compressed, then run it once to verify.",
    "The Rust workspace in /app fails `cargo test` because of a dependency conflict. Resolve it without downgrading the toolchain.",
    "Write a bash script /app/monitor.sh that samples CPU and memory usage of the `worker` process every second for a minute and prints the max of each.",
    "Start a PostgreSQL server in this container, create a database `shop`, load /app/schema.sql and /app/seed.sql, and make sure `psql -d shop -c 'select count(*) from orders'` works.",
    "The nginx config in /etc/nginx is broken after a bad edit. Make `nginx -t` pass and serve /var/www/html on port 80 again.",
    "Cross-compile the Go program in /app for linux/arm64 and place the static binary at /app/dist/app-arm64.",
    "Set up a git pre-receive hook on the bare repo in /srv/git/project.git that rejects pushes containing files over 5MB.",
    "Find out which of the services defined in /app/docker-compose.yml fails its health check and fix its configuration.",
    "There is a memory leak in the long-running process started by /app/run.sh. Use the available profiling tools to find which allocation grows and report it in /app/leak.txt.",
    "Recover the data from the corrupted SQLite database /app/app.db as best you can and write the recovered rows of the `users` table to /app/users.csv.",
    "Install the toolchain needed to build /app/firmware with make, then build it and verify the checksum in /app/firmware.sha256.",
    "Harden the SSH configuration on this machine: disable root login and password auth, change the port to 2222, and restart the daemon without locking yourself out.",
    "Generate a self-signed certificate for example.internal, configure the Caddy server in /app to use it, and verify with curl --cacert.",
    "Schedule /app/backup.sh to run at 02:00 every night using a systemd timer instead of cron.",
    "Profile why `make test` takes 20 minutes in /app and cut it below 5 minutes without skipping tests (parallelise, cache, whatever works).",
]


_generate_main2 = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.12:
        text = rng.choice(AGENT_TASKS)
        if rng.random() < 0.4:
            text = rng.choice(["## Task\n\n", "Instructions: ", "# Objective\n", "You have a shell in a Docker container. "]) + text
        if rng.random() < 0.3:
            text += rng.choice(["\n\nYou have root access.", "\n\nDo not modify the tests.", "\n\nThe container has no internet access.",
                                "\n\nWhen you are done, the grader runs `bash /app/tests/run.sh`."])
        return text
    return _generate_main2(rng)


SPEC_TITLES = [
    "Transcode a lecture recording for the web", "Detect silent gaps in a voicemail archive",
    "Build thumbnails for a photo dump", "Reconcile two CSV exports", "Extract tables from scanned invoices",
    "Normalise loudness across a podcast season", "Stitch timelapse frames into a video",
    "Deduplicate a music library", "Convert a legacy database dump", "Split a long audio file by chapters",
    "Geotag photos from a GPS track", "Generate subtitles timing from a transcript", "Repair a broken MP4",
    "Benchmark three compression tools", "Clean a messy log export",
]
SPEC_ROLES = ["You are a media engineer", "You are on call for the data team", "A client has sent you files",
              "You are helping a small newsroom", "You maintain the build machines"]
SPEC_INPUTS = ["`./assets/lecture.mkv` (1080p, 48 kHz stereo)", "`/app/input/voicemail/*.wav`",
               "`./data/photos/` (about 400 JPEGs)", "`/app/exports/a.csv` and `/app/exports/b.csv`",
               "`./assets/scan_*.png`", "`/app/audio/ep01.mp3` ... `ep12.mp3`", "`./frames/frame_%05d.png`",
               "`/srv/music/` (mixed mp3/flac)", "`/app/legacy.dump` (MySQL 5.5)", "`./assets/book.m4b`",
               "`/app/track.gpx` and `/app/photos/`", "`./transcript.txt` and `./audio.wav`", "`./broken.mp4`",
               "`/app/corpus/` (2 GB of text)", "`/app/logs/export.jsonl`"]
SPEC_OUTPUTS = ["`./output/result.json`", "`/app/output/report.csv`", "`./out/` with one file per input",
                "`/app/answer.txt`", "`./output/video.mp4` (H.264, yuv420p)", "`/app/output/summary.md`"]
SPEC_TOOLS = ["ffmpeg", "sox", "imagemagick", "exiftool", "sqlite3", "jq", "python3 with the standard library",
              "tesseract", "awk and sort", "mediainfo"]


def _spec(rng: random.Random) -> str:
    title = rng.choice(SPEC_TITLES)
    lines = [f"# Task: {title}", "", "## Objective", ""]
    lines.append(f"{rng.choice(SPEC_ROLES)}. {title} using the tools available in this environment.")
    lines += ["", rng.choice(["Inputs:", "## Inputs"]), ""]
    lines += [f"- {x}" for x in rng.sample(SPEC_INPUTS, rng.randint(1, 2))]
    lines += ["", rng.choice(["## Output", "Deliverable:", "## What to produce"]), ""]
    lines.append(f"Write {rng.choice(SPEC_OUTPUTS)}. " + rng.choice([
        "Each record must include the source filename, start and end times in seconds, and a status.",
        "The file must be valid and sorted by the first column.",
        "Keep the original file names; do not modify the inputs.",
        "Report the number of items processed and any failures.",
    ]))
    if rng.random() < 0.7:
        lines += ["", rng.choice(["## Constraints", "Notes:", "## Requirements"]), ""]
        lines += [f"- {c}" for c in rng.sample([
            f"Use {rng.choice(SPEC_TOOLS)}; it is already installed.", "No network access.",
            "Must finish in under 10 minutes on 2 CPUs.", "Timestamps within ±0.5 s are accepted.",
            "Do not re-encode streams that are already in the target format.", "The grader compares against a hidden reference.",
        ], 2)]
    return "\n".join(lines)


_generate_main3 = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return _spec(rng)
    return _generate_main3(rng)


OPS_SUBJECTS = [
    "our kubernetes pods are stuck in Pending", "the ingress returns 502 for every route since the upgrade",
    "terraform plan says the state is locked", "the helm release is stuck in pending-upgrade",
    "the github actions self-hosted runner keeps going offline", "the jenkins agent can't pull from the registry",
    "postgres replication lag on the replica is 40 minutes", "redis is evicting keys even though memory looks fine",
    "kafka consumer lag keeps growing on the orders topic", "the EC2 instance is unreachable after a reboot",
    "the ECS service keeps failing its health checks", "the lambda deploy fails with a permissions error",
    "the cloud run service cold starts take 20 seconds", "prometheus is firing DiskPressure alerts on two nodes",
    "cert-manager isn't renewing the wildcard certificate", "the docker image is 3GB and takes forever to push",
    "containers on the custom bridge network can't reach each other", "the nfs mount hangs at boot",
    "the vpn tunnel drops every few hours", "the cron backup silently stopped running last week",
    "ssh to the bastion works but hopping to the private hosts times out", "the load balancer shows half the targets unhealthy",
    "argo cd shows the app OutOfSync but the manifests look identical", "node exporter metrics disappeared after the upgrade",
    "the celery workers pile up zombie processes", "the build agents run out of inodes", "the s3 sync from the server is painfully slow",
    "the mysql slow query log is filling the disk", "the systemd unit restarts in a loop with status=203/EXEC",
    "the gitlab runner can't use docker-in-docker anymore", "pip install in the CI image fails behind the corporate proxy",
]
OPS_ASKS = [
    "figure out why and fix it", "can you take a look?", "dig in and get it working again", "what's going on?",
    "debug this on the box, you have ssh access", "find the root cause and patch the config",
    "sort it out and tell me what you changed", "get it green again", "fix it without downtime if possible",
]


def _ops(rng: random.Random) -> str:
    subj = rng.choice(OPS_SUBJECTS)
    ask = rng.choice(OPS_ASKS)
    text = f"{subj[:1].upper() + subj[1:]}, {ask}" if rng.random() < 0.5 else f"{subj[:1].upper() + subj[1:]}. {ask[:1].upper() + ask[1:]}"
    if rng.random() < 0.3:
        text += "\n\n" + fence(rng, _fill(rng, rng.choice(["$ {cmd}\n{err}", "{err}\n{err}", "Events:\n  Warning  FailedScheduling  0/3 nodes are available: 3 Insufficient cpu."])))
    return maybe_lower(rng, text, 0.2)


_generate_main4 = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return _ops(rng)
    return _generate_main4(rng)
