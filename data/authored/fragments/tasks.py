"""Fourth round: the kinds of text the leave-one-source-out errors and the unseen sources show.

- terminal: long agent task files (build, debug, deploy, recover, secure, migrate a system in a
  container: a title, a scenario, requirements with paths, the file to write, how it is tested);
  terse file chores that say "folder", "Desktop" or "Downloads" but are plainly shell work; media
  jobs in a shell (ffmpeg, ImageMagick, sox) and media-analysis task files whose deliverable is a
  file, not a click;
- computer_use: chores that need a GUI application (spreadsheet cells, slides, browser settings,
  an image editor, a mail client, a web shop or form, a phone app), some with paths and file
  names, so that a path alone does not mean "terminal";
- code_review: the way people ask for a review ("can you look over this PR", "LGTM?" + a diff);
- routine: programming puzzles with input/output sections, short questions, small functions.
"""

from __future__ import annotations

import random

from fragments.common import cap

# -- terminal: agent task files ------------------------------------------------------------------
ROOTS = ["/app", "/workspace", "/srv", "/opt/project", "/home/user/repo", "/root/task", "/data", "/code"]
OUTS = ["answer.txt", "result.json", "output.csv", "report.md", "solution.txt", "summary.json", "fixed.log",
        "metrics.json", "out/results.tsv"]
SCENARIOS = [
    ("Build {thing} from source",
     "The source tarball of {thing} is unpacked in {root}/src. It does not build with the compiler in this image: "
     "the configure step stops on a missing header and the link step on an undefined symbol."),
    ("Fix the broken {svc} service",
     "{svc} is installed in this container but `systemctl status {svc}` (or its init script) reports it failed. "
     "Someone edited its configuration under /etc/{svc}/ last week and nobody knows what changed."),
    ("Recover lost commits",
     "The git repository in {root} had a force-push accident. The branch `main` no longer contains the last "
     "three commits, but the objects may still be in the reflog or as dangling objects."),
    ("Deploy {svc} behind a reverse proxy",
     "A small web application lives in {root}. It must be served by gunicorn on 127.0.0.1:{port} with nginx in "
     "front of it on port 80, both started by a script so they survive a container restart."),
    ("Free up the disk",
     "The root filesystem of this machine is 100% full and {svc} cannot write its pid file. Find what is "
     "eating the space (old journals, core dumps, a runaway log, docker layers) and free it safely."),
    ("Repair the database",
     "The SQLite database at {root}/db/app.sqlite reports `database disk image is malformed`. Recover as many "
     "rows of the `orders` table as possible into a new database file."),
    ("Make the test suite pass",
     "The project in {root} uses {lang}. `{check}` fails after the dependency upgrade in the last commit. Find "
     "out which tests fail and why, and fix the code or the pinned versions (not the tests)."),
    ("Set up a build pipeline",
     "Write a Makefile (or a shell script) in {root} that builds the project, runs the unit tests and produces "
     "a release archive `dist/{name}-1.0.tar.gz` with a SHA-256 checksum next to it."),
    ("Crack the archive password",
     "{root}/secret.7z is protected by a password that is a single English word from "
     "/usr/share/dict/words. Find the password and extract the file inside."),
    ("Remove leaked credentials",
     "The repository in {root} contains an AWS access key and a database password committed in several "
     "files and in the history. Replace them with placeholders everywhere, including old commits."),
    ("Train a small model",
     "The data in {root}/data/train.csv has a text column and a label column. Train a classifier with "
     "whatever library is installed (no GPU, no internet) that reaches at least 0.85 accuracy on "
     "{root}/data/test.csv, and save it to {root}/model.bin."),
    ("Serve a model over HTTP",
     "A pretrained sentiment model is cached in {root}/models. Start an HTTP API on port {port} with an "
     "endpoint POST /predict that takes {{\"text\": ...}} and returns the label and score. Keep it running in "
     "the background."),
    ("Boot a VM image",
     "{root}/images/alpine.iso is an Alpine Linux installer. Start it in qemu headless, with the serial "
     "console reachable over telnet on port 6665, and leave the VM running."),
    ("Cross-compile for ARM",
     "Cross-compile the C program in {root} for aarch64 and verify the binary runs under qemu-user; the "
     "toolchain packages are already downloaded in /var/cache/apt/archives."),
    ("Migrate the cron jobs",
     "The crontab of user `deploy` runs four scripts in {root}/bin. Convert them to systemd timers with the "
     "same schedules, disable the crontab entries and make sure the timers are enabled."),
    ("Investigate the memory leak",
     "The {svc} process grows by ~50 MB an hour until the OOM killer ends it. Reproduce it with the load "
     "script in {root}/load.sh, find the leaking component with the tools available, and patch it."),
    ("Parse the server logs",
     "{root}/logs contains a month of gzipped nginx access logs. Compute, per day, the number of requests, the "
     "number of distinct client IPs and the 95th percentile of the response time."),
    ("Rotate the TLS certificate",
     "The certificate used by {svc} expires tomorrow. Generate a new self-signed certificate and key with "
     "openssl (RSA 2048, CN=internal.example), install it where the config expects it, and reload {svc}."),
    ("Fix the Python environment",
     "`pip` is broken in this image: every command ends with `ModuleNotFoundError: No module named "
     "'pip._internal'`. Repair it without reinstalling the OS, then install the packages in "
     "{root}/requirements.txt."),
    ("Bisect the regression",
     "Somewhere between tag v2.3.0 and HEAD in {root}, `{check}` started failing. Use git bisect to find "
     "the first bad commit and write its hash to {root}/{out}."),
    ("Restore from backup",
     "Last night's backup of {svc} is in /backups as a tar.zst archive plus a SQL dump. Restore both into the "
     "running container and confirm the service answers with the data from the backup."),
    ("Configure the firewall",
     "Only ports 22 and {port} should accept connections on this host. Write the iptables (or nftables) "
     "rules, make them persistent across reboots, and keep the current SSH session alive."),
    ("Speed up the slow query",
     "The report query in {root}/report.sql takes four minutes on the PostgreSQL database in this container. "
     "Find out why with EXPLAIN ANALYZE and make it run in under five seconds without changing its result."),
    ("Package the tool",
     "Turn the scripts in {root}/tool into an installable Python package with a console entry point `{name}`, "
     "build a wheel, install it into a fresh virtualenv and check `{name} --version` prints 1.0."),
]
REQUIREMENTS = [
    "Do not modify anything under {root}/tests.",
    "Write the final answer to `{root}/{out}`.",
    "The result must be reproducible: running your script twice gives the same {out}.",
    "You have no internet access; everything you need is already in the image.",
    "Keep the original files; write new ones next to them.",
    "Log every command you ran to `{root}/commands.log`.",
    "The service must still be running when you finish.",
    "Use only the tools installed in the container (bash, coreutils, python3, git, curl, jq).",
    "Exit code 0 means success; the checker also reads {root}/{out}.",
    "Do not run anything as root that does not need it.",
    "Finish within 30 minutes of wall-clock time.",
    "Leave a short note in {root}/NOTES.md explaining the root cause.",
]
TESTING = [
    "## Testing\n\nThe grader runs `{check}` and then compares `{root}/{out}` against the expected values.",
    "Tests: a hidden pytest suite checks the files you produced and the state of the running services.",
    "Verification: `bash {root}/verify.sh` must print OK.",
    "The checker will restart the container once and expect everything to come back on its own.",
    "How we test it: we call `curl -s localhost:{port}/health` and expect `{{\"status\": \"ok\"}}`.",
    "Your solution is graded on correctness only; style does not matter.",
]
HEADINGS = ["# {title}\n\n", "## Task: {title}\n\n", "Task: {title}\n\n", "{title}\n\n", "",
            "# Task\n\n", "Instruction:\n", "### {title}\n\n"]
THINGS = ["zlib 1.3", "an old version of GNU make", "the `pmars` simulator", "sqlite3 with the FTS5 extension",
          "a Rust CLI tool", "the bundled Lua interpreter", "libpng", "redis from its git checkout",
          "the Fortran solver in ./solver", "a patched OpenSSH"]
SVCS = ["postgresql", "nginx", "redis", "the api", "gitea", "grafana", "the worker", "mosquitto",
        "prometheus", "the mail relay", "the ingest daemon", "jupyter"]
LANGS = ["Python", "Go", "Node.js", "Rust", "Java", "C++"]
CHECKS = ["make test", "pytest -x", "go test ./...", "npm test", "cargo test", "mvn -q verify", "ctest",
          "./run_tests.sh", "tox -e py312"]
NAMES = ["logtool", "fastcsv", "imgsort", "notes", "tally", "packer", "sitegen"]


def agent_spec(rng: random.Random) -> str:
    title, scenario = rng.choice(SCENARIOS)
    fill = {
        "thing": rng.choice(THINGS), "svc": rng.choice(SVCS), "root": rng.choice(ROOTS),
        "port": rng.choice([5000, 8000, 8080, 8443, 9090, 3000]), "lang": rng.choice(LANGS),
        "check": rng.choice(CHECKS), "name": rng.choice(NAMES), "out": rng.choice(OUTS),
    }
    title = title.format(**fill)
    parts = [rng.choice(HEADINGS).format(title=title) + scenario.format(**fill)]
    reqs = rng.sample(REQUIREMENTS, rng.randint(0, 4))
    if reqs:
        head = rng.choice(["\n\nRequirements:\n", "\n\n## Requirements\n\n", "\n\nConstraints:\n", "\n\nNotes:\n", "\n\n"])
        bullet = rng.choice(["- ", "* ", "1. ", ""])
        parts.append(head + "\n".join(bullet + r.format(**fill) for r in reqs))
    if rng.random() < 0.6:
        parts.append("\n\n" + rng.choice(TESTING).format(**fill))
    if rng.random() < 0.3:
        parts.insert(0, rng.choice(["You are working in a Linux container. ", "You are a sysadmin. ",
                                    "You have a shell in a Docker container. ", "Environment: Ubuntu 22.04, bash. "]))
    return "".join(parts)


# -- terminal: terse file chores that sound like a desktop ---------------------------------------
FOLDERS = ["the current folder", "this folder", "the Downloads folder", "~/Desktop", "the Desktop folder",
           "my home folder", "the folder 'photos'", "the folder given as $1", "/Users/sam/Desktop",
           "the backups folder", "every subfolder", "the project folder", "~/Documents/reports"]
KINDS = [".log files", "pdf files", ".tmp files", "jpg images", "mp3 files", "empty files", "hidden files",
         "files bigger than 100M", "csv files", "zero-byte files", "*.bak files", "files ending in ~",
         ".DS_Store files", "png and gif files"]
CHORES = [
    "find all {kind} in {folder} older than {days} days and gzip them",
    "delete all {kind} in {folder}",
    "count the {kind} in {folder}",
    "move the {kind} from {folder} into a folder named archive",
    "list the {kind} in {folder} sorted by size",
    "print the total size of the {kind} in {folder}",
    "rename all {kind} in {folder} to lowercase",
    "copy the {kind} in {folder} to /mnt/usb keeping timestamps",
    "tar up {folder} excluding {kind}",
    "show the 10 most recently modified {kind} in {folder}",
    "find duplicate {kind} in {folder} by checksum",
    "make all {kind} in {folder} read-only",
    "find {kind} in {folder} modified in the last {days} days",
    "zip each subfolder of {folder} into its own archive",
    "remove the execute bit from every file in {folder}",
    "print the names of {kind} in {folder} that contain the word error",
    "list every folder under {folder} with more than {days} files",
    "change the owner of everything in {folder} to www-data",
    "watch {folder} and print a line whenever a new file appears",
    "sync {folder} to the server backup01 over ssh",
]
CHORE_FORMS = ["{t}", "{T}", "{T}.", "how do I {t}", "{T} from the terminal", "one-liner to {t}?", "{t} (linux)",
               "{T} in bash", "need a command to {t}", "{T} with find", "shell: {t}", "{T}, recursively",
               "{T} using a for loop in bash", "{T} — on a mac"]


def file_chore(rng: random.Random) -> str:
    task = rng.choice(CHORES).format(kind=rng.choice(KINDS), folder=rng.choice(FOLDERS),
                                     days=rng.choice([2, 7, 14, 30, 90]))
    form = rng.choice(CHORE_FORMS)
    text = form.replace("{T}", cap(task)).replace("{t}", task)
    return text.lower() if rng.random() < 0.2 else text


# -- terminal: media in a shell -----------------------------------------------------------------
MEDIA_JOBS = [
    "convert every .mov in {dir} to H.264 mp4 at 720p and keep the audio",
    "extract the audio track of {vid} as 16 kHz mono wav",
    "cut {vid} from 00:01:30 to 00:02:10 without re-encoding",
    "make a 10-second gif from the middle of {vid} at 12 fps",
    "resize all png images in {dir} to 1024 pixels wide with imagemagick",
    "batch convert the heic photos in {dir} to jpg and strip the EXIF data",
    "normalize the loudness of all mp3 files in {dir} to -16 LUFS",
    "concatenate the clips listed in clips.txt into one video with ffmpeg",
    "burn the subtitles from subs.srt into {vid}",
    "generate a contact sheet of thumbnails every 30 seconds from {vid}",
    "trim the silence at the start and end of every wav in {dir} with sox",
    "split {aud} into 5-minute chunks",
    "add a watermark logo.png in the bottom right corner of every image in {dir}",
    "detect the scene changes in {vid} and write their timestamps to scenes.txt",
    "print the duration, codec and resolution of every video in {dir} as csv",
    "convert the flac files in {dir} to 320k mp3 keeping the tags",
    "make a slideshow video from the jpgs in {dir}, 3 seconds per image",
    "extract one frame per second from {vid} into frames/",
    "downmix the 5.1 audio of {vid} to stereo",
    "find which videos in {dir} have no audio stream",
]
MEDIA_FORMS = ["{T}", "{T}.", "ffmpeg: {t}", "How do I {t}?", "Write a script to {t}.", "{T} from the command line",
               "Using the CLI, {t}.", "{T} — bash loop is fine", "Give me the command to {t}."]


def media_job(rng: random.Random) -> str:
    task = rng.choice(MEDIA_JOBS).format(dir=rng.choice(["./videos", "~/Desktop/clips", "the raw folder", "/data/media", "this folder", "./in"]),
                                         vid=rng.choice(["input.mp4", "talk.mkv", "lecture.mp4", "clip.mov", "./assets/demo.webm"]),
                                         aud=rng.choice(["podcast.mp3", "interview.wav", "meeting.m4a"]))
    form = rng.choice(MEDIA_FORMS)
    return form.replace("{T}", cap(task)).replace("{t}", task)


MEDIA_SPECS = [
    ("Find where each slide appears",
     "You are given a recorded talk at `{vid}` and the slide deck as `./assets/slides.pdf`. For every slide, "
     "find the first timestamp at which it is on screen and write `{out}` as a list of objects with `slide` "
     "and `start_seconds`."),
    ("Audit the captions",
     "The file `{vid}` has burned-in captions and a narration track. Some captions do not match what is "
     "said. Transcribe the audio, compare it with the captions, and list every mismatch in `{out}` with its "
     "timestamp, the caption text and what was actually said."),
    ("Sort clips by sync quality",
     "A folder of clips is at `./clips/`. Measure the audio/video offset of each clip and move the clips "
     "whose offset exceeds 80 ms into `./rejected/`; write the measured offsets to `{out}`."),
    ("Extract tables from scanned PDFs",
     "Five scanned lab reports are in `./reports/` as PDFs. OCR them, pull every measured value with its unit "
     "and reference range, and write one normalised table to `{out}`."),
    ("Count the speakers",
     "The meeting recording `./audio/meeting.wav` has several speakers. Work out how many distinct people "
     "speak and the total speaking time of each, and save the result as `{out}`."),
    ("Find the moment of the decision",
     "From the board meeting recording `{vid}`, find the moment the motion is approved. Report the timestamp "
     "and quote the sentence in `{out}`."),
    ("Rebuild an edit from a tutorial",
     "A screencast at `{vid}` shows an editor cutting a promo. Reproduce the same cuts on the source "
     "footage in `./footage/` with ffmpeg and render `final.mp4` at 1080x1920."),
]


MEDIA_SPECS += [
    ("Redact what the screen recording leaks",
     "A screen recording of a support call is at `{vid}`. Find every frame where a customer's email or card "
     "number is visible on screen or spoken aloud, blur those regions, bleep the audio, and write the list "
     "of intervals to `{out}`."),
    ("Fill the spreadsheet from the invoices",
     "The invoices for this month are PDFs in `./invoices/` and the office template is `./template.xlsx`. "
     "Extract the vendor, date, net and VAT of each invoice and write them into the template with "
     "openpyxl, saving the result as `./filled.xlsx`; also dump the rows to `{out}`."),
    ("Match slides to the narration",
     "The slide deck `./deck.pptx` was presented in the recording `{vid}`. Using frame extraction and the "
     "transcript, find when each slide was on screen and what the presenter said about it."),
    ("Label the speakers of a debate",
     "`{vid}` is a four-person panel. Diarise the audio, map each voice to the name shown in the lower "
     "third on screen, and write one line per utterance with speaker and start time to `{out}`."),
]
ROLES = ["You are a compliance reviewer. ", "You work as a video editor. ", "You are an archivist for a records office. ",
         "You are a QA engineer for a captioning vendor. ", "You are the bookkeeper of a small company. ",
         "You are a research assistant. ", ""]


def media_spec(rng: random.Random) -> str:
    title, body = rng.choice(MEDIA_SPECS)
    fill = {"vid": rng.choice(["./lecture.mp4", "./assets/talk.mp4", "./input/meeting.mkv", "./video.mp4"]),
            "out": rng.choice(["answer.json", "results.csv", "output/report.json", "findings.md"])}
    text = rng.choice(["# Task: {t}\n\n## Objective\n\n", "# Task: {t}\n\n## Scenario\n\n", "# {t}\n\n",
                       "Task: {t}\n\n", ""]).format(t=title)
    text += rng.choice(ROLES) + body.format(**fill)
    if rng.random() < 0.6:
        text += rng.choice([
            "\n\n## Deliverable\n\nOne file, `{out}`. Tools available: ffmpeg, ffprobe, python3, tesseract, whisper.cpp.",
            "\n\nYou may use any command-line tool in the container. Timestamps within 2 seconds are accepted.",
            "\n\nNotes:\n- Work in the current directory.\n- Do not modify the inputs.",
        ]).format(**fill)
    return text


# -- computer_use: clearly a GUI ----------------------------------------------------------------
GUI_JOBS = [
    "in the open spreadsheet, put the total of column D in cell D21 and make it bold",
    "in {sheet}, merge cells A1:E1 and center the title",
    "add a conditional format so that values below zero in column C turn red",
    "insert a pivot table of sales by region on a new sheet",
    "on slide {n} of the presentation, replace the picture with the one on the Desktop",
    "change the theme of the whole deck to the dark one and add slide numbers",
    "in Chrome, turn off the pop-up blocker for this site",
    "set the browser's default search engine to DuckDuckGo",
    "clear the browsing history of the last hour in Firefox",
    "pin the currently open tab and bookmark it in the toolbar",
    "in the image editor, crop the photo to a square and export it as png",
    "add a drop shadow to the text layer in GIMP",
    "in Thunderbird, create a filter that moves mails from the bank into the Finance folder",
    "reply to the latest email from Sarah and attach the invoice from the Desktop",
    "on the shopping site, add the cheapest wireless mouse with at least 4 stars to the cart",
    "fill in the contact form on the open page with my name and phone number and submit it",
    "in the calendar app, move tomorrow's standup to 10:30",
    "open the Settings app and switch the display to night light after 9 pm",
    "in the file manager, show hidden files and sort the view by date modified",
    "in VS Code, change the color theme to Solarized Light from the command palette",
    "in the GitLab web UI, create a new issue in the 'infra' project and assign it to me",
    "on the forum, find the most upvoted post this week in the photography section and open it",
    "in the Markor app, create a note called shopping with three items",
    "in the Contacts app on the phone, add a new contact named Alex Kim",
    "turn on Do Not Disturb from the quick settings panel",
    "in the Writer document, replace every occurrence of 'colour' with 'color' using Find & Replace",
    "in LibreOffice Calc, fill the blank cells in column B with the value above them",
    "on the airline website, check in for my flight and download the boarding pass",
    "in the opened docx, add a table of contents after the title page",
    "drag the three pdfs on the Desktop into the 'Taxes 2024' folder",
    "set the wallpaper to the beach photo in my Pictures folder",
    "in VLC, make subtitles bigger and turn on the subtitle track",
    "sort the sheet named {sheet} by the 'Amount' column, largest first",
    "in the browser, allow this site to use the microphone",
]
GUI_FORMS = ["{T}", "{T}.", "Please {t}.", "Can you {t}?", "I'd like you to {t}.", "{T} for me",
             "Could you {t}? I have it open already.", "Help me {t}.", "{T} — thanks", "Go ahead and {t}.",
             "The user asks: {t}.", "Task: {t}."]


def gui_job(rng: random.Random) -> str:
    task = rng.choice(GUI_JOBS).format(sheet=rng.choice(["Sheet2", "'Q3'", "Budget", "the sheet 'Data'"]),
                                       n=rng.randint(2, 12))
    form = rng.choice(GUI_FORMS)
    return form.replace("{T}", cap(task)).replace("{t}", task)


DOC_CHORES = [
    "open {doc} and make every second row of the table light grey",
    "the file {doc} on my desktop has a chart; change its title to 'Revenue 2024' and save",
    "put the numbers from {doc} into the template I have open and save it as a new file",
    "in {doc}, the headings use three different fonts; make them all the same as Heading 1",
    "export {doc} as a PDF with the comments shown in the margin",
    "insert the logo at the top right of every page of {doc}",
    "add a column to {doc} that shows each person's age from their birth date",
    "the presentation {doc} needs speaker notes on slides 2 to 4; type the text from notes.txt into them",
    "in {doc}, track changes is on; accept all the changes from Maria and reject the rest",
]
DOCS = ["/home/user/Documents/report.docx", "~/Desktop/budget.xlsx", "sales.ods", "/home/user/talk.pptx",
        "the spreadsheet quarterly.xlsx", "thesis.odt", "C:\\Users\\me\\Documents\\plan.docx"]


def doc_chore(rng: random.Random) -> str:
    task = rng.choice(DOC_CHORES).format(doc=rng.choice(DOCS))
    return rng.choice(["{T}.", "Could you {t}?", "I need to {t}.", "{T}", "Please {t}, thanks."]).replace(
        "{T}", cap(task)).replace("{t}", task)


# -- code_review: how people ask -------------------------------------------------------------
REVIEW_ASKS = [
    "can you look over this PR before I merge?", "LGTM?", "thoughts on this change?", "review pls",
    "anything wrong with this diff?", "is this safe to ship?", "second pair of eyes on this one?",
    "would you approve this?", "Please review. Focus on error handling.", "any nits?",
    "Does this look right to you?", "Quick sanity check on my patch:", "PTAL", "r?",
    "Can you do a code review of the following change?", "Be picky, it's going to prod:",
]
HUNKS = [
    ("src/cache.py", " def get(self, key):\n-    return self._data[key]\n+    return self._data.get(key)\n"),
    ("api/handlers.go", " func (h *Handler) Delete(w http.ResponseWriter, r *http.Request) {\n-\tid := r.URL.Query().Get(\"id\")\n+\tid, err := strconv.Atoi(r.URL.Query().Get(\"id\"))\n+\tif err != nil {\n+\t\thttp.Error(w, \"bad id\", 400)\n+\t\treturn\n+\t}\n"),
    ("web/src/List.tsx", "-  const items = props.items.map(i => <Row item={i} />)\n+  const items = props.items.map(i => <Row key={i.id} item={i} />)\n"),
    ("lib/retry.rb", " def with_retry(n = 3)\n-  yield\n+  attempts = 0\n+  begin\n+    yield\n+  rescue Timeout::Error\n+    attempts += 1\n+    retry if attempts < n\n+    raise\n+  end\n"),
    ("db/migrate/0042_add_index.sql", "+CREATE INDEX CONCURRENTLY idx_orders_user ON orders(user_id);\n-DROP INDEX idx_orders_created;\n"),
    ("src/main/java/Auth.java", "-    if (token == expected) {\n+    if (MessageDigest.isEqual(token.getBytes(), expected.getBytes())) {\n"),
    ("utils/date.js", "-export const today = () => new Date().toISOString().slice(0, 10)\n+export const today = (tz = 'UTC') =>\n+  new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date())\n"),
]


def review_request(rng: random.Random) -> str:
    ask = rng.choice(REVIEW_ASKS)
    path, body = rng.choice(HUNKS)
    start = rng.randint(3, 200)
    diff = f"--- a/{path}\n+++ b/{path}\n@@ -{start},4 +{start},6 @@\n{body}"
    if rng.random() < 0.3:
        diff = f"@@ -{start},4 +{start},6 @@\n{body}"
    lead = rng.choice(["", "", "Hey, ", "hi! ", "Small one: ", ""])
    fence = rng.random() < 0.6
    block = f"```diff\n{diff}```" if fence else diff
    if rng.random() < 0.5:
        return f"{lead}{ask}\n\n{block}"
    return f"{block}\n\n{lead}{ask}"


# -- routine: puzzles, questions, small functions ---------------------------------------------
PUZZLES = [
    ("Given an array of n integers, find the length of the longest strictly increasing contiguous subarray.",
     "The first line contains n (1 <= n <= 10^5). The second line contains n integers.",
     "Print one integer.", "5\n1 7 2 11 15", "3"),
    ("You are given a string s. Count the number of substrings that are palindromes.",
     "A single line with s (1 <= |s| <= 1000), lowercase letters.", "Print the count.", "aaa", "6"),
    ("There are n stones in a row; a frog jumps 1 or 2 stones, paying |h_i - h_j|. Find the minimum total cost "
     "to reach the last stone.", "n, then n heights.", "The minimum cost.", "4\n10 30 40 20", "30"),
    ("Given t test cases, each with two integers a and b, print the number of moves to make a divisible by b, "
     "where one move increases a by 1.", "First line t; then t lines with a and b.", "t lines.", "2\n10 4\n13 9",
     "2\n5"),
    ("Determine whether a grid of '.' and '#' has a path from the top-left to the bottom-right cell moving "
     "only right or down.", "n and m, then n lines of m characters.", "YES or NO.", "2 2\n..\n#.", "YES"),
]


def puzzle(rng: random.Random) -> str:
    stmt, inp, out, ex_in, ex_out = rng.choice(PUZZLES)
    style = rng.random()
    if style < 0.5:
        return (f"{stmt}\n\nInput\n{inp}\n\nOutput\n{out}\n\nExample\nInput:\n{ex_in}\nOutput:\n{ex_out}")
    if style < 0.8:
        return (f"Solve in {rng.choice(['Python', 'C++', 'Java', 'Go'])}: {stmt} "
                f"Input format: {inp} Output format: {out}")
    return f"### Problem\n{stmt}\n\n**Input:** {inp}\n**Output:** {out}\n\nSample input\n```\n{ex_in}\n```\nSample output\n```\n{ex_out}\n```"


QUESTIONS = [
    "what's the difference between a list and a tuple in python", "explain big-O of binary search",
    "what does `git rebase` do compared to merge", "how do closures work in javascript",
    "when should I use a set instead of a list", "what is a race condition, with a tiny example",
    "convert this for loop to a list comprehension: for x in xs: if x > 0: out.append(x*2)",
    "what does the `yield` keyword do", "regex to match a US zip code", "how do I reverse a string in Go",
    "what's the SQL to get the second highest salary", "explain what a REST API is in two sentences",
    "write a haiku about recursion", "what's a good name for a function that normalises phone numbers",
    "how do I read a json file in node", "difference between == and === in JS", "what is memoization",
    "give me a Python function that flattens a nested list", "write a function that checks if a number is prime",
    "implement fizzbuzz in rust", "write a function to merge two sorted lists", "what is a mutex",
    "summarise the pros and cons of microservices", "translate this function from Java to Kotlin: int sq(int x) { return x*x; }",
]


def question(rng: random.Random) -> str:
    q = rng.choice(QUESTIONS)
    form = rng.choice(["{q}", "{Q}?", "{Q}.", "Quick question: {q}?", "{q}??", "Can you tell me {q}?", "{Q}"])
    return form.replace("{Q}", cap(q)).replace("{q}", q)


GENERATORS = {
    "terminal": [(agent_spec, 5), (file_chore, 4), (media_job, 2), (media_spec, 2)],
    "computer_use": [(gui_job, 3), (doc_chore, 1)],
    "code_review": [(review_request, 1)],
    "routine": [(puzzle, 1), (question, 2)],
}


def generate(lane: str, rng: random.Random) -> str:
    makers = GENERATORS[lane]
    fn = rng.choices([m for m, _ in makers], weights=[w for _, w in makers])[0]
    return fn(rng)


# -- deep_coding: library bug reports and feature requests, other trackers' shapes -----------
LIBS = [("sympy", "simplify(sqrt(x**2))", "x", "Abs(x)"), ("pandas", "df.groupby('k').sum(numeric_only=True)", "an empty frame", "the sums per key"),
        ("numpy", "np.percentile(a, 50, method='nearest')", "a float64", "an int"), ("requests", "requests.get(url, timeout=(3, None))", "a hang", "a ReadTimeout"),
        ("attrs", "evolve(inst, x=1)", "TypeError", "a new instance"), ("click", "CliRunner().invoke(cli, ['--help'])", "exit code 2", "exit code 0"),
        ("sqlalchemy", "session.merge(obj, load=False)", "a duplicate row", "one row"), ("matplotlib", "ax.set_xscale('log'); ax.bar(x, y)", "missing bars", "bars on a log axis"),
        ("pydantic", "Model.model_validate({'a': None})", "a ValidationError", "a model with a=None"), ("xarray", "ds.resample(time='1D').mean()", "a KeyError", "daily means"),
        ("httpx", "client.stream('GET', url)", "a closed stream", "the body"), ("fastapi", "Depends(get_db) in a background task", "a closed session", "an open session"),
        ("astropy", "Table.read('x.ecsv').write('y.fits')", "lost units", "units kept"), ("sphinx", "autodoc on a dataclass with slots", "a duplicate attribute", "one entry"),
        ("scipy", "optimize.minimize(f, x0, method='trust-constr', bounds=b)", "bounds ignored", "a solution inside the bounds"),
        ("networkx", "nx.shortest_path(G, 'a', 'b', weight='w')", "a path that ignores the weights", "the cheapest path"),
        ("statsmodels", "sm.OLS(y, X).fit().summary()", "a ZeroDivisionError", "the summary table"),
        ("shapely", "Polygon(coords).buffer(0).area", "0.0", "the polygon's area"),
        ("sympy", "solve(x**3 - 1, x, domain=S.Reals)", "three roots", "only the real root"),
        ("pyarrow", "pq.read_table(path, columns=['a']).to_pandas()", "all columns", "only column a"),
        ("scikit-image", "transform.resize(img, (64, 64), anti_aliasing=True)", "a float image out of range", "values in [0, 1]")]
ISSUE_SHAPES = [
    "### Bug description\n\nCalling `{call}` in {lib} gives {got}.\n\n### Code for reproduction\n\n```python\nimport {lib}\n{call}\n```\n\n### Actual outcome\n\n{got}\n\n### Expected outcome\n\n{want}\n\n### Version\n\n{lib} {ver}",
    "{Lib}: `{call}` returns {got} instead of {want}\n\nSince upgrading to {ver}, `{call}` returns {got}. In the previous release it gave {want}. Looks like the change in the internals last month broke it; happy to send a PR if someone points me to the right module.",
    "**Describe the bug**\n`{call}` gives {got}.\n\n**To Reproduce**\n```\n>>> {call}\n{got}\n```\n\n**Expected behavior**\n{want}\n\n**Environment**\n- {lib} {ver}\n- Python 3.11",
    "Feature request: make `{call}` support keyword arguments consistently\n\nRight now {lib} raises {got} when the keyword is passed positionally. It would be nice if it behaved like the rest of the API and returned {want}. This needs a change in the signature and the docs.",
    "Regression in {ver}: {got} from `{call}`\n\nMinimal example below. I bisected it to the refactor of the dispatch code.\n\n```py\n{call}  # -> {got}, expected {want}\n```",
    "{call} gives wrong result\n\nI'm on {lib} {ver}:\n\n```\n>>> import {lib}\n>>> x = {call}\n>>> x\n{got}\n>>> # on the previous release:\n>>> x\n{want}\n```\n\nThe docs say the result should be {want}. Is this intended? If not, I think the bug is in the code path that handles the default arguments, and I can try to fix it.",
    "Unexpected {got} when calling {call}\n\nHi, thanks for {lib}! After upgrading, this snippet behaves differently:\n\n```python\nimport {lib}\n\n\ndef main():\n    data = load()\n    result = {call}\n    print(result)\n\n\nmain()\n```\n\nOutput:\n\n```\n{got}\n```\n\nExpected output:\n\n```\n{want}\n```\n\nSystem: Linux, Python 3.10, {lib} {ver}.",
    "`{call}` silently produces {got}\n\nI'd expect {want}. Digging in, the helper that normalises the arguments drops the option before it reaches the backend. A fix probably needs a test for this case as well.",
]


def lib_issue(rng: random.Random) -> str:
    lib, call, got, want = rng.choice(LIBS)
    ver = rng.choice(["1.12.0", "2.1.3", "0.24.1", "3.0.0rc1", "4.2", "1.5.2"])
    shape = rng.choice(ISSUE_SHAPES)
    return shape.format(lib=lib, Lib=lib, call=call, got=got, want=want, ver=ver)


GENERATORS["deep_coding"] = [(lib_issue, 1)]


# -- terminal: "write a program" tasks set in an environment (paths, tests, constraints) ------
PROGRAM_TASKS = [
    "Implement {what} in {root}/{file}. It is run as `{run}` and must produce exactly the output in {root}/expected/.",
    "Write {what} and save it as {root}/{file}. The hidden tests import it and call it with large inputs, so it must finish in under 2 seconds.",
    "Create {root}/{file}: {what}. Only the standard library is installed, and there is no network.",
    "In {root} there is a half-finished {file}. Complete it so that {what}; `{check}` runs the tests.",
    "Produce a single file {root}/{file} containing {what}. Its size must stay below 5000 bytes.",
    "Using the data in {root}/input/, write {what}. Put the script in {root}/{file} and its output in {root}/{out}.",
    "Decode the message in {root}/message.enc (the key is somewhere in {root}/notes) and write the plaintext to {root}/{out}.",
    "Find the value of the flag hidden in the binary {root}/challenge and write it to {root}/{out}. You may use gdb, strings and objdump.",
    "Reverse-engineer the file format of {root}/data.bin from the examples next to it and write a converter to JSON in {root}/{file}.",
    "Play the text adventure in {root}/game until you reach the treasure room; write the list of moves to {root}/{out}.",
    "Explore the maze server on localhost:{port} (it answers N/S/E/W moves) and write the full map to {root}/{out}.",
    "Get the legacy COBOL program in {root}/src running with gnucobol and reimplement it in Python at {root}/{file} so both produce identical output files.",
]
PROGRAM_WHATS = ["a tokenizer for the mini language described in SPEC.md", "a ray tracer that renders scene.json to a PPM image",
                 "an HTTP server that implements the key-value API in api.md", "a solver for the puzzles in puzzles.txt",
                 "a CSV deduplicator that keeps the newest row per id", "an inference script for the ONNX model in models/",
                 "a parser for the log format in samples/", "a program that is valid both as Python and as C and prints 'hello'",
                 "a compressor whose output the provided decompressor can read", "a scheduler that satisfies every constraint in constraints.yaml"]
PROGRAM_FILES = ["main.py", "solution.py", "solve.sh", "server.go", "tool.rs", "convert.py", "run.c", "answer.py"]


def program_task(rng: random.Random) -> str:
    fill = {"root": rng.choice(ROOTS), "file": rng.choice(PROGRAM_FILES), "what": rng.choice(PROGRAM_WHATS),
            "run": rng.choice(["python3 main.py < in.txt", "./solve.sh", "make run", "go run ."]),
            "check": rng.choice(CHECKS), "out": rng.choice(OUTS), "port": rng.choice([7000, 8080, 9999])}
    text = rng.choice(PROGRAM_TASKS).format(**fill)
    if rng.random() < 0.5:
        text += " " + rng.choice(REQUIREMENTS).format(**fill)
    if rng.random() < 0.3:
        text = rng.choice(["# Task\n\n", "Your task: ", "Instructions: ", "Objective\n\n", "Hi! "]) + text
    return text


# -- terminal: casual one- or two-sentence sysadmin/devops asks --------------------------------
CASUAL_OPS = [
    "set up a new user called dev with sudo rights and zsh as the login shell",
    "figure out why ssh to this box takes 20 seconds to connect and fix it",
    "my docker build keeps running out of space, clean up whatever docker is hoarding",
    "get the python 3.12 venv in /opt/app working again, pip is broken",
    "make the api start automatically when the server reboots",
    "find out which process is listening on port 5432 and why it's not postgres",
    "rotate the nginx logs daily and keep two weeks",
    "install node 20 with nvm and make it the default",
    "mount the second disk at /data and make it survive reboots",
    "the cron job that backs up the db hasn't run since friday, find out why",
    "bump the max open files limit for the worker service",
    "set up a reverse ssh tunnel so I can reach this machine from my laptop",
    "the build server's clock is off by five minutes, sync it",
    "generate an ssh key for the ci user and add it to the deploy keys",
    "figure out what's using all the memory on this vm",
    "get the tests in this repo running in a container that matches CI",
    "upgrade the kubernetes cluster's ingress controller without downtime",
    "restore yesterday's snapshot of the redis data",
    "write a script that checks all our TLS certs and warns two weeks before expiry",
    "port the deploy.sh script to a github actions workflow",
]


def casual_op(rng: random.Random) -> str:
    task = rng.choice(CASUAL_OPS)
    form = rng.choice(["{t}", "{T}.", "can you {t}?", "I need you to {t}.", "please {t}", "{T} — you have root.",
                       "{T}. Run whatever you need.", "hey, {t}? thx", "Task: {t}."])
    return form.replace("{T}", cap(task)).replace("{t}", task)


GENERATORS["terminal"] = [(agent_spec, 5), (file_chore, 4), (media_job, 2), (media_spec, 2), (program_task, 3),
                          (casual_op, 2)]


# -- routine: long self-contained problems (many lines, examples, constraints) ------------------
LONG_PROBLEMS = [
    ("two_sum_indices", "nums: list[int], target: int", "list[int]",
     "Return the indices of the two numbers in nums that add up to target.\n    Each input has exactly one solution and you may not use the same element twice.",
     [("[2, 7, 11, 15], 9", "[0, 1]"), ("[3, 2, 4], 6", "[1, 2]"), ("[3, 3], 6", "[0, 1]")]),
    ("longest_common_prefix", "words: list[str]", "str",
     "Return the longest prefix shared by every string in words, or '' if there is none.",
     [("['flower', 'flow', 'flight']", "'fl'"), ("['dog', 'racecar', 'car']", "''")]),
    ("rotate_matrix", "m: list[list[int]]", "list[list[int]]",
     "Rotate the square matrix m by 90 degrees clockwise and return the new matrix.\n    Do not modify m.",
     [("[[1, 2], [3, 4]]", "[[3, 1], [4, 2]]"), ("[[1]]", "[[1]]")]),
    ("count_islands", "grid: list[str]", "int",
     "grid is a list of equal-length strings of '1' (land) and '0' (water).\n    Return the number of islands, where land cells connect horizontally or vertically.",
     [("['110', '010', '001']", "2"), ("['000']", "0")]),
    ("roman_to_int", "s: str", "int",
     "Convert a Roman numeral to an integer. The input is guaranteed to be valid\n    and in the range 1 to 3999.",
     [("'III'", "3"), ("'LVIII'", "58"), ("'MCMXCIV'", "1994")]),
    ("balanced_split", "xs: list[int]", "bool",
     "Return True if xs can be split into two non-empty contiguous parts with equal sums.",
     [("[1, 2, 3, 3]", "True"), ("[1, 1, 1]", "False"), ("[5, 5]", "True")]),
    ("next_greater", "xs: list[int]", "list[int]",
     "For every element, return the next element to its right that is greater,\n    or -1 when there is none.",
     [("[2, 1, 3]", "[3, 3, -1]"), ("[4, 3, 2]", "[-1, -1, -1]")]),
    ("decode_runs", "s: str", "str",
     "s is run-length encoded as digit counts followed by a letter, e.g. '3a2b'.\n    Return the decoded string. Counts may have several digits.",
     [("'3a2b'", "'aaabb'"), ("'12x'", "'xxxxxxxxxxxx'"), ("''", "''")]),
]


def long_problem(rng: random.Random) -> str:
    name, args, ret, doc, examples = rng.choice(LONG_PROBLEMS)
    style = rng.random()
    if style < 0.5:
        lines = [f"def {name}({args}) -> {ret}:", '    """', f"    {doc}", ""]
        for call, result in examples:
            lines += [f"    >>> {name}({call})", f"    {result}"]
        lines.append('    """')
        head = rng.choice(["", "from typing import List\n\n\n", "import math\n\n", "\n\n"])
        helper = rng.choice(["", "def _check(x):\n    return x is not None\n\n\n"])
        return head + helper + "\n".join(lines) + rng.choice(["", "\n", "\n    pass\n"])
    body = [f"Problem: {name.replace('_', ' ')}", "", doc.replace("\n    ", " "), ""]
    for i, (call, result) in enumerate(examples, 1):
        body += [f"Example {i}:", f"Input: {call}", f"Output: {result}", ""]
    body += ["Constraints:", "- 1 <= len(input) <= 10^4", "- values fit in a 32-bit signed integer", "",
             rng.choice(["Follow-up: can you do it in O(n) time?", "Write the solution in Python.",
                         f"Signature: def {name}({args}) -> {ret}", ""])]
    return "\n".join(body)


GENERATORS["routine"] = [(puzzle, 1), (question, 2), (long_problem, 2)]


# -- terminal: more terse shell asks (text processing, variables, links, processes) -------------
SHELL_ASKS = [
    "join {f1} and {f2} on their first field", "print the lines that are in {f1} but not in {f2}",
    "delete all tab characters from {f1}", "compare {f1} and {f2} line by line ignoring whitespace",
    "save the output of the last command in a variable", "store the current date in a variable named stamp",
    "print the third comma-separated column of {f1}", "replace every negative number in {f1} with zero",
    "convert the symlink {link} into a regular file", "count the symbolic links under {dir}",
    "create a symlink to {dir} in the home directory", "find all directories named {name} on the system",
    "search the whole file system for a file called {name}, hiding permission errors",
    "print the number of subdirectories of each directory under {dir}, largest first",
    "show the first 10 lines of every file in {dir}", "print {f1} with line numbers",
    "remove duplicate lines from {f1} keeping the order", "sort {f1} by the second field numerically and save it in place",
    "extract the version numbers like 1.2.3 from {f1}", "print everything before the second dot of each line in {f1}",
    "change the group of every file owned by {user} under {dir} to staff",
    "make a temporary file and save its path in a variable", "append the PATH to {f1} one entry per line",
    "list the IP addresses of every network interface", "show the processes using more than 1 GB of memory",
    "print the PID of the process listening on port 8080", "kill every process whose name contains {name}",
    "list files in {dir} newer than {f1}", "print the modification time of {f1} in seconds since the epoch",
    "find files in {dir} that are not owned by any user", "list empty directories in {dir}",
    "print the 5 most common words in {f1}", "number the non-blank lines of {f1}",
    "print the size of {dir} in megabytes", "set the sticky bit on {dir}",
    "report the free space of every mounted filesystem", "wrap the lines of {f1} at 80 characters",
    "format {f1} as aligned columns", "print a random line from {f1}", "print the lines of {f1} in reverse order",
    "find files in {dir} with the same name but different case", "show the difference between two directories",
    "print the longest line of {f1}", "remove the trailing whitespace from every line of {f1}",
    "print the environment variables that contain HOME", "list the last 20 commands from the history",
    "print the names of all users that have a login shell", "print the checksum of every file in {dir}",
    "find the files in {dir} that were accessed in the last hour", "change to the directory stored in $target",
]
SHELL_FORMS = ["{T}", "{T}.", "{t}", "{Ts}", "{Ts}.", "{T} in bash", "how to {t}", "{T} using awk", "{T} with sed",
               "command to {t}", "{T} (one line)", "unix: {t}"]


def shell_ask(rng: random.Random) -> str:
    task = rng.choice(SHELL_ASKS).format(
        f1=rng.choice(['"file1"', "data.txt", "'input.csv'", '"list.txt"', "access.log", "$file"]),
        f2=rng.choice(['"file2"', "other.txt", "'b.csv'"]), link=rng.choice(["'current'", '"latest"', "mylink"]),
        dir=rng.choice(["/var/log", "the current directory", "$HOME", "/srv/data", ".", "the folder 'docs'"]),
        name=rng.choice(['"config"', "'node_modules'", "foo", '"java"']), user=rng.choice(["alice", "harry", "root"]))
    verb, _, rest = task.partition(" ")
    third = (verb + ("es" if verb.endswith(("sh", "ch", "x", "s")) else "s")) + " " + rest
    text = rng.choice(SHELL_FORMS).replace("{Ts}", cap(third)).replace("{T}", cap(task)).replace("{t}", task)
    return text.lower() if rng.random() < 0.15 else text


GENERATORS["terminal"] = [*GENERATORS["terminal"], (shell_ask, 4)]


# -- routine: "how do I" data questions with a small frame and the wanted output -----------------
SO_DATA = [
    ("a pandas DataFrame", "df = pd.DataFrame({'name': ['a', 'b', 'a'], 'score': [1, 5, 3]})",
     "the max score per name as a new column", "  name  score  best\n0    a      1     3\n1    b      5     5\n2    a      3     3"),
    ("a numpy array", "a = np.array([[1, 2], [3, 4], [5, 6]])", "the rows whose sum is greater than 4",
     "array([[3, 4],\n       [5, 6]])"),
    ("a list of dicts", "rows = [{'id': 1, 'tags': 'x,y'}, {'id': 2, 'tags': 'y'}]", "one row per tag",
     "[(1, 'x'), (1, 'y'), (2, 'y')]"),
    ("a DataFrame with a date column", "df = pd.DataFrame({'d': ['2024-01-03', '2024-02-10'], 'v': [1, 2]})",
     "the sum of v per month", "2024-01    1\n2024-02    2"),
    ("two Series", "s1 = pd.Series([1, 2, 3]); s2 = pd.Series([3, 4])", "the values of s1 that are not in s2", "[1, 2]"),
    ("a string column", "df = pd.DataFrame({'full': ['Ada Lovelace', 'Alan Turing']})", "first and last name in two columns",
     "  first     last\n0   Ada  Lovelace\n1  Alan    Turing"),
    ("a 2D list", "grid = [[0, 1], [1, 1]]", "the coordinates of every 1", "[(0, 1), (1, 0), (1, 1)]"),
]
SO_FORMS = [
    "I have {thing}:\n\n```python\n{code}\n```\n\nHow can I get {want}? Expected output:\n\n```\n{out}\n```",
    "Problem:\nI have {thing} like this:\n{code}\nI'd like to get {want}, i.e.\n{out}\nWhat is the most idiomatic way to do it?",
    "How do I get {want} from {thing}?\n\n    {code}\n\nDesired result:\n\n    {out}",
    "{code}\n\nGiven the above, produce {want}. The result should look like:\n{out}\nA one-liner would be ideal.",
]


def so_question(rng: random.Random) -> str:
    thing, code, want, out = rng.choice(SO_DATA)
    return rng.choice(SO_FORMS).format(thing=thing, code=code, want=want, out=out)


GENERATORS["routine"] = [*GENERATORS["routine"], (so_question, 2)]

# -- deep_coding: issues in other languages' repositories ------------------------------------
REPO_ISSUES = [
    ("TypeScript", "`useQuery` returns stale data after `invalidateQueries`",
     "After calling `queryClient.invalidateQueries(['todos'])` the component keeps rendering the old list until the window regains focus.",
     "src/core/queryObserver.ts"),
    ("Go", "panic: assignment to entry in nil map in `config.Merge`",
     "Merging two configs where the first has no `labels` section panics. Stack:\n\n```\npanic: assignment to entry in nil map\n\ngoroutine 1 [running]:\ngithub.com/acme/tool/config.Merge(...)\n\t/src/config/merge.go:41 +0x1c4\n```",
     "config/merge.go"),
    ("Rust", "`Decoder::decode` loops forever on truncated input",
     "With the `streaming` feature enabled, feeding a frame that ends in the middle of a varint makes `decode` spin at 100% CPU instead of returning `Ok(None)`.",
     "src/codec/decoder.rs"),
    ("Java", "NullPointerException in `RetryTemplate` when the backoff policy is unset",
     "Creating a `RetryTemplate` through the builder without `.backoff(...)` throws on the first retry:\n\n```\njava.lang.NullPointerException: Cannot invoke \"BackOffPolicy.backOff()\" because \"this.backOffPolicy\" is null\n\tat org.acme.retry.RetryTemplate.doExecute(RetryTemplate.java:212)\n```",
     "core/src/main/java/org/acme/retry/RetryTemplate.java"),
    ("JavaScript", "Date picker shows the previous day for users west of UTC",
     "Selecting 2024-03-10 stores 2024-03-09 when the browser time zone is America/Denver. The value is parsed with `new Date(str)` and formatted in local time.",
     "packages/datepicker/src/parse.js"),
    ("C#", "Serializer ignores `[JsonIgnore]` on record properties",
     "Positional record properties marked with `[property: JsonIgnore]` are still written. Works for classes.",
     "src/Serialization/PropertyResolver.cs"),
    ("Kotlin", "Coroutine leak when the ViewModel is cleared during a refresh",
     "If the user leaves the screen while `refresh()` is running, the job keeps running and later writes to a closed database.",
     "app/src/main/java/com/acme/feed/FeedViewModel.kt"),
]
ISSUE_ENDINGS = [
    "", "\n\nExpected: no crash and the documented behaviour.", "\n\nI think the fix belongs in `{file}`, plus a regression test.",
    "\n\nVersion: {ver}. Happy to open a PR.", "\n\n### Steps to reproduce\n1. Clone the repo\n2. Run the example in `examples/`\n3. See the error",
]


def repo_issue(rng: random.Random) -> str:
    lang, title, body, file = rng.choice(REPO_ISSUES)
    ver = rng.choice(["v1.8.2", "2.3.0", "0.14.1", "5.0.0-beta.2"])
    head = rng.choice(["{t}\n\n{b}", "## {t}\n\n{b}", "**Bug**: {t}\n\n{b}", "{t}\n{b}", "[{lang}] {t}\n\n{b}"])
    return head.format(t=title, b=body, lang=lang) + rng.choice(ISSUE_ENDINGS).format(file=file, ver=ver)


GENERATORS["deep_coding"] = [(lib_issue, 2), (repo_issue, 1)]


# -- computer_use: personal desktop wishes (system and app settings, no GUI words) ----------------
WISHES = [
    "set my time zone to {tz}", "make my computer lock itself after {n} minutes away",
    "turn off the notifications while I'm presenting", "uninstall the {game} game that came with the system",
    "get back the {thing} I deleted by mistake from the Trash", "open the folder that contains the video I'm watching",
    "make VS Code open the last workspace every time", "save the current project in VS Code as a workspace",
    "make VLC remember where I stopped in each video", "make VLC loop the video I have open",
    "add my name and title as a signature to my emails", "attach the {thing} on my desktop to the email I'm writing, but don't send it",
    "change my mouse pointer to a bigger size", "make the text on my screen larger, I can barely read it",
    "set the photo I'm looking at as my lock screen", "stop the laptop from going to sleep when I close the lid",
    "pin the calculator to my dock", "make Thunderbird check for new mail every 5 minutes",
    "switch my keyboard layout to {layout}", "connect my bluetooth headphones", "make the night light turn on at sunset",
    "change the default app for opening pdf files to the document viewer", "rename the {thing} in my Documents to include today's date",
    "show the battery percentage next to the clock", "make my screenshots save to a folder called Screens",
    "empty the Trash and clear the recent files list", "add the calendar from my work account to the calendar app",
    "move the tabs I have open into a new browser window", "restore the browser tabs I closed by accident",
    "make the spell checker in my word processor use British English", "increase the volume limit above 100%",
    "set the second monitor to the left of the main one", "disable the touchpad while I'm typing",
]


def desktop_wish(rng: random.Random) -> str:
    wish = rng.choice(WISHES).format(tz=rng.choice(["UTC+0", "Berlin time", "Pacific time", "Asia/Tokyo"]), n=rng.choice([2, 5, 10]),
                                     game=rng.choice(["Mahjongg", "Solitaire", "Mines", "Sudoku"]),
                                     thing=rng.choice(["poster", "photo of the party", "tax form", "resume.pdf", "slides"]),
                                     layout=rng.choice(["German", "French AZERTY", "Dvorak", "Spanish"]))
    form = rng.choice(["I want to {w}. Can you help me?", "Could you {w}?", "Please {w}.", "I'd like to {w}.",
                       "Can you {w} for me?", "{W}.", "help me {w}", "I am using Ubuntu and want to {w}.",
                       "On my laptop, {w}.", "How can I {w}? Just do it for me please."])
    return form.replace("{W}", cap(wish)).replace("{w}", wish)


GENERATORS["computer_use"] = [(gui_job, 3), (doc_chore, 1), (desktop_wish, 2)]


# -- terminal: task files with inputs, an exact output file and its schema -------------------------
DELIV_DOMAINS = [
    ("You are a QA engineer for a podcast network", "episode.mp3", "the audio",
     "find every ad break and the sponsor it names", ["start_sec", "end_sec", "sponsor"]),
    ("You are a data steward at a hospital", "scans/*.pdf", "the scanned forms",
     "pull the patient id, the test name and the value with its unit from each form", ["file", "patient_id", "test", "value", "unit"]),
    ("You review security camera footage for a warehouse", "camera2.mp4", "the footage",
     "list the intervals in which a forklift is in the loading bay", ["start_sec", "end_sec"]),
    ("You are an analyst at a logistics company", "shipments/*.csv", "the monthly exports",
     "compute the on-time rate per carrier, ignoring cancelled shipments", ["carrier", "shipments", "on_time_rate"]),
    ("You maintain a photo archive", "photos/", "the images",
     "group near-duplicate photos and keep the sharpest of each group", ["group", "kept", "dropped"]),
    ("You are an SRE on call", "logs/app-*.log.gz", "the service logs",
     "find the first error of each incident and the request id that triggered it", ["incident", "timestamp", "request_id", "message"]),
    ("You are a music librarian", "tracks/*.flac", "the tracks",
     "measure the tempo and the key of each track", ["track", "bpm", "key"]),
    ("You are an editor at a news site", "interview.wav", "the interview",
     "transcribe it and mark every sentence where the speaker quotes a number", ["start_sec", "text"]),
    ("You are a compliance officer", "contracts/*.docx", "the contracts",
     "find every clause that sets a termination notice period and extract the period in days", ["file", "clause", "days"]),
    ("You run a small e-shop", "orders.db", "the SQLite database",
     "find customers who ordered more than three times in a month and their total spend", ["customer_id", "month", "orders", "total"]),
]
DELIV_OUTS = [
    ("./submission/result.csv", "csv"), ("./output/answer.json", "json"), ("/app/results.tsv", "tsv"),
    ("./out/report.jsonl", "jsonl"), ("/workspace/output.csv", "csv"),
]
DELIV_NOTES = [
    "The output directory does not exist — create it.", "Timestamps are seconds with one decimal.",
    "Rows are sorted by the first column.", "Do not modify anything under `./assets/`.",
    "Only ffmpeg, sox, tesseract, sqlite3 and python3 (with numpy and pandas) are installed.",
    "Partial credit is given per correct row.", "There is no network access.",
    "Values must match to within 1%.", "Use UTF-8 and Unix line endings.",
]


def deliverable_spec(rng: random.Random) -> str:
    role, inp, what, goal, cols = rng.choice(DELIV_DOMAINS)
    out, kind = rng.choice(DELIV_OUTS)
    base = rng.choice(["./assets/", "/app/data/", "./input/", "/data/"])
    title = goal[:1].upper() + goal[1:]
    parts = [rng.choice(["# Task: {t}\n\n", "# {t}\n\n", "## {t}\n\n", "Task: {t}\n\n"]).format(t=title)]
    parts.append(rng.choice(["## Objective\n\n", "## Scenario\n\n", "## Background\n\n", ""]))
    parts.append(f"{role}. From {what} in `{base}{inp}`, {goal}.")
    parts.append(rng.choice(["\n\nInputs:\n\n", "\n\n## Inputs\n\n", "\n\nYou are given:\n"]))
    parts.append(f"- `{base}{inp}` — {what}.")
    if rng.random() < 0.5:
        parts.append(f"\n- `{base}README.txt` — notes from the person who collected the data.")
    header = ",".join(cols) if kind != "tsv" else "\t".join(cols)
    if kind in ("csv", "tsv"):
        spec = f"Write `{out}` with the header:\n\n```\n{header}\n```\n\nand one row per item."
    else:
        obj = ", ".join(f'"{c}": ...' for c in cols)
        spec = f"Write `{out}` as {'a JSON array' if kind == 'json' else 'one JSON object per line'}:\n\n```json\n[{{{obj}}}]\n```"
    parts.append(rng.choice(["\n\n## Output\n\n", "\n\n## Output format\n\n", "\n\nDeliverable: "]) + spec)
    notes = rng.sample(DELIV_NOTES, rng.randint(1, 3))
    parts.append("\n\n## Notes\n\n" + "\n".join("- " + n for n in notes))
    return "".join(parts)


GENERATORS["terminal"] = [*GENERATORS["terminal"], (deliverable_spec, 3)]

# -- code_review: more hunks, other languages --------------------------------------------------
HUNKS += [
    ("src/lib.rs", " pub fn parse(input: &str) -> Result<Config, Error> {\n-    let v: Value = serde_json::from_str(input).unwrap();\n+    let v: Value = serde_json::from_str(input)?;\n"),
    ("app/models/user.rb", "-  validates :email, presence: true\n+  validates :email, presence: true, uniqueness: { case_sensitive: false }\n"),
    ("cmd/server/main.go", "-\tlog.Fatal(http.ListenAndServe(\":8080\", mux))\n+\tsrv := &http.Server{Addr: \":8080\", Handler: mux, ReadTimeout: 5 * time.Second}\n+\tlog.Fatal(srv.ListenAndServe())\n"),
    ("src/components/Modal.vue", "-  mounted() { document.addEventListener('keydown', this.onKey) }\n+  mounted() { document.addEventListener('keydown', this.onKey) },\n+  beforeUnmount() { document.removeEventListener('keydown', this.onKey) }\n"),
    ("include/buffer.h", "-#define BUF_SIZE 256\n+#define BUF_SIZE 4096\n char *read_line(FILE *f);\n"),
    ("services/billing/invoice.py", "     total = sum(line.amount for line in lines)\n-    return round(total * 1.2, 2)\n+    return (total * Decimal(\"1.2\")).quantize(Decimal(\"0.01\"))\n"),
    ("terraform/main.tf", " resource \"aws_s3_bucket\" \"logs\" {\n   bucket = \"acme-logs\"\n-  acl    = \"public-read\"\n+  acl    = \"private\"\n }\n"),
    ("src/Service/OrderService.php", "-        $order = $this->repo->find($id);\n+        $order = $this->repo->find($id) ?? throw new NotFoundException($id);\n"),
]
REVIEW_ASKS += [
    "Could you give this a once-over? Mostly worried about performance.", "Reviewer notes welcome, especially naming.",
    "This is my first PR here, please be gentle but thorough.", "Is there a cleaner way to do this?",
    "what would you flag in review here", "Approve or request changes?", "Check this for bugs and style issues.",
]


# -- computer_use: developer-tool and cloud-app settings done through their interfaces ------------
APP_SETTINGS = [
    "in VS Code, turn on format on save and set the tab size to 2 in the settings",
    "make VS Code hide the minimap and the activity bar",
    "add the folder /home/user/data to the current VS Code workspace",
    "in VS Code's settings, stop Pylance from reporting missing imports",
    "install the extension from the .vsix file in Downloads into VS Code",
    "upload the report.pdf from my Documents to the 'Shared' folder in Google Drive",
    "convert the docx on the desktop to pdf with the office suite and attach it to a new email to Ana",
    "in Google Sheets, share the budget sheet with edit access for mark@example.com",
    "in the Jupyter notebook that is open, run all cells and save the output as html from the File menu",
    "in the open Colab notebook, switch the runtime to GPU",
    "change the default download folder in Chrome to ~/Downloads/browser",
    "in Slack, set my status to 'in a meeting' until 3pm",
    "in Zoom's settings, turn off my video when joining a meeting",
    "log in to the router's web page and change the wifi password",
    "in the PDF reader, fill in the form fields with my address and save a copy",
    "in Thunderbird, import the contacts from contacts.csv into the address book",
    "on the GitHub website, create a new repository called notes with a README",
    "in the Docker Desktop app, turn on the Kubernetes option",
    "in Postman, import the collection file from the desktop and run it",
    "open the project in IntelliJ and change the JDK to version 17 in project structure",
]


def app_setting(rng: random.Random) -> str:
    task = rng.choice(APP_SETTINGS)
    form = rng.choice(["{T}.", "Please {t}.", "Can you {t}?", "I'd like you to {t}.", "{T}", "Help me {t}.",
                       "Could you {t} for me? I'm not sure where the option is.", "Task: {t}."])
    return form.replace("{T}", cap(task)).replace("{t}", task)


GENERATORS["computer_use"] = [*GENERATORS["computer_use"], (app_setting, 2)]


# -- terminal: git housekeeping ---------------------------------------------------------------
GIT_JOBS = [
    "create a new branch called {br}, cherry-pick the last two commits from main and push it",
    "squash the last {n} commits into one with a proper message",
    "rebase {br} onto the latest main and resolve the conflicts in {file}",
    "undo the last commit but keep the changes staged",
    "find which commit deleted {file} and restore it",
    "tag the current commit as v{ver} and push the tag",
    "remove the large file that was committed by mistake from the whole history",
    "stash my local changes, pull, and re-apply them",
    "create a new repository in {dir}, add a .gitignore for Python and make the first commit",
    "set up a pre-commit hook that runs the linter before every commit",
    "move the last {n} commits from main to a new branch {br}",
    "rename the branch {br} to {br2} locally and on the remote",
    "merge {br} into main without a fast-forward and push",
    "show who last changed each line of {file}",
    "clone the repo with its submodules and check out the tag v{ver}",
    "revert the merge commit that broke the build and push the revert",
]


def git_job(rng: random.Random) -> str:
    task = rng.choice(GIT_JOBS).format(
        br=rng.choice(["feature-x", "fix/login", "release-2.1", "experiment", "hotfix"]),
        br2=rng.choice(["main-old", "legacy", "feature/y"]), n=rng.choice([2, 3, 5]),
        file=rng.choice(["src/app.py", "README.md", "config.yaml", "package.json"]),
        ver=rng.choice(["1.4.0", "2.0.1", "0.9.0"]), dir=rng.choice(["~/projects/notes", "/srv/repo", "this folder"]))
    form = rng.choice(["{T}.", "{T}", "Can you {t}?", "Please {t}.", "git: {t}", "How do I {t}?", "I need to {t}.",
                       "{T} — the repo is in the current directory.", "help me {t}"])
    return form.replace("{T}", cap(task)).replace("{t}", task)


GENERATORS["terminal"] = [*GENERATORS["terminal"], (git_job, 1)]
