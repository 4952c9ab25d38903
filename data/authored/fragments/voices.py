"""Third round: break the link between *how* people write and *which lane* the work is.

The corpus has one conversational source (OSWorld, computer_use), so a model trained on it learns
"first-person, polite English = computer_use". Real users write chatty, first-person requests for
every lane and terse or third-person ones for desktop chores too. Here:

- terminal, deep_coding, code_review, routine: first-person stories ("my docker container keeps
  restarting after the upgrade") + an ask, on several surfaces (chat, Slack, ticket, email,
  commit-like subject);
- computer_use: terse imperatives ("Set the default browser to Firefox.") and third-person task
  statements ("The user wants the slide background changed to blue in Impress.").

The surfaces and politeness are shared by all lanes; only the work differs.
"""

from __future__ import annotations

import random

from fragments.common import cap

# -- shared surfaces ----------------------------------------------------------------------------
HELLOS = ["", "", "", "hey, ", "Hey! ", "hi, ", "Hi there, ", "Hello! ", "ok so ", "so, ", "Morning! ",
          "hey quick question, ", "Hi — ", "Sorry to bother you, ", "hey there, ", "Good afternoon, "]
THANKS = ["", "", "", " Thanks!", " thanks a lot", " Thank you so much!", " ty!", " Appreciate it.",
          " Cheers", " I owe you one.", " Thanks in advance 🙏", " no rush.", " It's kind of urgent, sorry.",
          " Let me know if you need anything else from me.", " :)"]
SLACK_LEADS = ["@here ", "anyone around? ", "", "", "<@U02LANE> ", "random q: ", "quick favour — ", "bump: "]
SIGNS = ["Thanks,\nDana", "Best,\nMarco", "Cheers,\nPriya", "Thanks!\n- Tom", "Kind regards,\nAnna", "thx, J"]


def _lowfirst(s: str) -> str:
    return s[:1].lower() + s[1:] if s and not s[:2].isupper() else s


def chat(rng: random.Random, situation: str, ask: str) -> str:
    hello = rng.choice(HELLOS)
    body = f"{situation}{rng.choice([', ', '. ', ' — ', '... '])}{ask}" if situation else ask
    if hello:
        body = hello + _lowfirst(body)
    return cap(body + rng.choice(THANKS))


def slack(rng: random.Random, situation: str, ask: str) -> str:
    sep = rng.choice([" - ", ". ", ", "]) if situation else ""
    text = f"{rng.choice(SLACK_LEADS)}{_lowfirst(situation)}{sep}{_lowfirst(ask)}"
    if rng.random() < 0.5:
        text = text.lower()
    return text.replace("?", rng.choice(["?", "??", "?"]))


def email(rng: random.Random, situation: str, ask: str) -> str:
    greet = rng.choice(["Hi,", "Hello,", "Hi team,", "Hey,", "Dear support,"])
    return f"{greet}\n\n{cap(situation)}. {cap(ask)}\n\n{rng.choice(SIGNS)}"


def ticket(rng: random.Random, title: str, situation: str, ask: str) -> str:
    head = rng.choice(["", "Title: ", "[ticket] ", "Summary: ", "## "])
    body_head = rng.choice(["", "Description:\n", "Details: ", "What happened:\n", "Context\n"])
    return f"{head}{cap(title)}\n\n{body_head}{cap(situation)}. {cap(ask)}"


def render(rng: random.Random, title: str, situation: str, ask: str) -> str:
    r = rng.random()
    if r < 0.45:
        return chat(rng, situation, ask)
    if r < 0.65:
        return slack(rng, situation, ask)
    if r < 0.8:
        return email(rng, situation, ask)
    return ticket(rng, title, situation, ask)


# -- terminal ----------------------------------------------------------------------------------
# (short title, first-person situation, specific ask or "")
TERMINAL = [
    ("container restart loop", "my docker container keeps restarting after the upgrade", "can you figure out why and fix it?"),
    ("nightly postgres backup", "I need to set up a cron job on the server that backs up postgres nightly", "and keeps the last week of dumps"),
    ("disk full on web-02", "our web-02 box is at 100% disk again and I have no idea what's eating it", ""),
    ("nginx 502", "nginx started returning 502s right after I redeployed the app", "could you check the upstream and get it serving again?"),
    ("ssh key login broken", "I can't ssh into the build server anymore, it just says permission denied (publickey)", ""),
    ("npm install fails", "npm install has been failing on my laptop since I switched to node 20", "can you sort out whatever is wrong with the dependency tree?"),
    ("pip won't build wheel", "pip keeps failing to build the psycopg2 wheel on our alpine image", ""),
    ("CI pipeline red", "our GitHub Actions pipeline went red overnight and nobody touched the workflow", "could you dig into the logs and get it green again?"),
    ("letsencrypt renewal", "the Let's Encrypt cert on our staging domain expired and certbot renew errors out", ""),
    ("kube pod pending", "one of our pods has been stuck in Pending for an hour on the k3s cluster", "can you work out what it's waiting for?"),
    ("move to systemd", "I'm running our little Flask API in a tmux session on the VPS like a caveman", "could you turn it into a proper systemd service that restarts on crash?"),
    ("slow server", "the server feels super sluggish today and load average is through the roof", "can you find what's hogging it?"),
    ("git repo corrupted", "my local git repo says 'object file is empty' after my laptop died mid-commit", "can you recover it without losing my branch?"),
    ("port in use", "every time I run docker compose up it says port 5432 is already allocated", ""),
    ("python venv mess", "I've got three pythons on this mac and the venv keeps picking the wrong one", "can you clean up my shell setup so python3 is the brew one?"),
    ("log rotation", "the app logs in /var/log/myapp have grown to 40 GB because nothing rotates them", "set up logrotate for it please"),
    ("deploy to staging", "I need the new release deployed to staging before the demo at 3", "can you run the deploy and check the health endpoint?"),
    ("redis memory", "redis on the cache box keeps getting OOM-killed during the nightly import", ""),
    ("mount failing", "after the reboot the data disk didn't mount and the fstab entry looks right to me", "can you get it mounted again and make it survive reboots?"),
    ("cuda not found", "I installed the nvidia drivers but torch still says CUDA isn't available on the GPU box", ""),
    ("build from source", "I need ffmpeg built from source with libfdk-aac on our ubuntu 22.04 build machine", ""),
    ("firewall", "I think I locked myself out with ufw, only the console works now", "can you get ssh back open without dropping the firewall?"),
    ("docker image too big", "our docker image is almost 3 GB and the deploys are painfully slow", "can you slim down the Dockerfile?"),
    ("cron not running", "the cron job I added yesterday never ran, the script works fine when I run it by hand", ""),
    ("migrate db to new host", "we're moving postgres to a bigger VM this weekend", "could you script the dump, copy and restore so we can rehearse it?"),
    ("mysql won't start", "mysql won't start after the package upgrade and the error log mentions InnoDB", ""),
    ("wireguard vpn", "I'd like a wireguard VPN between my home server and the cloud box", "can you set it up and make sure it comes back after a reboot?"),
    ("gitlab runner", "our self-hosted gitlab runner picks up jobs and then hangs forever", ""),
    ("permissions after rsync", "I rsynced the site to the new host and now everything is owned by root and the app can't write uploads", ""),
    ("bash script", "I've got a folder of 2,000 CSV exports and I need them merged into one file with a single header", "a shell script is fine"),
    ("terraform state lock", "terraform apply is stuck on 'acquiring state lock' and my colleague isn't running anything", ""),
    ("java heap", "the jenkins controller dies with java heap space errors every few days", "can you tune it and restart it cleanly?"),
    ("timezone on server", "all our server logs are in UTC but the cron jobs seem to fire an hour late", ""),
    ("make fails", "make fails on the new CI image with 'cc: command not found'", "can you install whatever toolchain is missing and get the build passing?"),
    ("apt broken", "apt is completely broken on this box, every install says unmet dependencies", "could you untangle it?"),
    ("helm upgrade", "helm upgrade on the api chart fails with 'another operation is in progress'", ""),
    ("backup restore test", "we have nightly backups but nobody has ever tested restoring one", "can you restore last night's tarball to a scratch VM and check the app boots?"),
    ("elasticsearch yellow", "our elasticsearch cluster has been yellow since one node was replaced", ""),
    ("kafka consumer lag", "the kafka consumer group for ingest is lagging by millions of messages", "can you look at the brokers and consumers and tell me what's stuck?"),
    ("node version", "I need node 18 for one project and node 22 for another on the same machine", "can you set up nvm or whatever works so both build?"),
    ("ssl cert chain", "curl to our API works from my laptop but fails from the servers with a certificate error", ""),
    ("reverse proxy", "I want grafana reachable at /grafana behind our existing nginx", "can you set up the proxy config and reload it?"),
    ("zombie processes", "there are hundreds of zombie processes on the worker node", ""),
    ("swap", "the small VPS has no swap and the build keeps getting killed", "can you add a swap file and make it permanent?"),
    ("dns resolution", "inside the containers DNS lookups randomly time out but the host is fine", ""),
    ("rename files", "my photos folder has thousands of files named IMG_1234.JPG", "I want them renamed by the date they were taken using exiftool or similar, from the terminal"),
    ("gpg signing", "git commit -S suddenly fails with 'gpg failed to sign the data'", ""),
    ("prometheus alerts", "I need prometheus to alert us when disk usage on any node goes over 85%", "can you add the rule and reload it?"),
    ("crashloop", "after I bumped the image tag the payments deployment is in CrashLoopBackOff", "can you check the pod logs and roll back if needed?"),
    ("docker permission", "every docker command on my new ubuntu install needs sudo", "can you fix that properly?"),
    ("cleanup old releases", "the deploy dir on the server has like 200 old releases in it", "write me something that keeps the last 5 and deletes the rest"),
    ("tests pass locally", "the test suite passes on my machine but fails in the CI container with a locale error", ""),
    ("openssl upgrade", "after the openssl 3 upgrade our old ruby app can't connect to the database anymore", ""),
    ("cpu spike", "every night around 2am CPU on the db host spikes to 100% for twenty minutes", "can you find out which job does it?"),
    ("pyenv", "I want to set up the repo on a fresh machine: python 3.12, the deps, pre-commit hooks, the lot", "can you do the setup and make sure `make test` runs?"),
    ("log grep", "I need to know how many 500 errors we served yesterday per endpoint from the nginx logs", ""),
    ("env vars", "our compose stack ignores the .env file since the docker upgrade", ""),
    ("nfs mount slow", "the NFS share got really slow after the network change", "can you check the mount options and the server side?"),
    ("k8s secrets", "I need the database password moved out of the deployment yaml into a kubernetes secret", "and the pods restarted so they pick it up"),
    ("tar archive", "I have to ship the whole data directory to the vendor but it's 300 GB", "can you pack it into split, compressed archives with checksums?"),
]
TERMINAL_ASKS = [
    "can you figure out why and fix it?", "could you take a look on the box and sort it out?",
    "can you ssh in and see what's going on?", "any chance you could fix it?", "could you debug it for me?",
    "please get it working again.", "I'd love it if you could just fix it.", "can you handle it from the terminal?",
    "what's going on and how do I fix it? you have shell access.", "could you dig in and get it back up?",
    "not sure where to start, can you investigate?", "can you run whatever commands you need and fix it?",
]


def terminal(rng: random.Random) -> str:
    title, situation, ask = rng.choice(TERMINAL)
    if ask.startswith("and "):
        situation, ask = f"{situation} {ask}", ""
    if not ask or rng.random() < 0.35:
        ask = rng.choice(TERMINAL_ASKS)
    return render(rng, title, situation, ask)


# -- deep_coding -------------------------------------------------------------------------------
DEEP = [
    ("KeyError for users without profile", "our Django app throws a KeyError when a user has no profile", "could you find the bug in the repo and fix it, with a test?"),
    ("pagination off by one", "the API's pagination skips one item between pages, customers noticed missing orders", "can you track it down in the codebase and fix it?"),
    ("race in cache", "I think there's a race condition in our cache layer, under load we sometimes serve another tenant's data", ""),
    ("refactor payments module", "the payments module has grown into one 3,000-line file nobody wants to touch", "could you split it into sensible modules without changing behaviour and keep the tests passing?"),
    ("timezone bug", "reports generated after 11pm show the wrong day for users in Sydney", "can you find where we mess up the timezones and fix it properly?"),
    ("add feature flag", "I want to add a feature flag system to our Flask app so we can roll out the new checkout gradually", ""),
    ("memory leak", "our node service's memory grows steadily until it's restarted every few hours", "could you find the leak in our code and fix it?"),
    ("port to async", "we need to move our sync SQLAlchemy data layer over to async", "can you do the migration across the repo and update the tests?"),
    ("flaky test", "test_checkout_total fails maybe one run in ten and it's driving the team nuts", "could you figure out what's nondeterministic and fix the code, not just the test?"),
    ("upgrade pydantic", "we're stuck on pydantic v1 and everything else wants v2", "can you upgrade our models and validators and fix whatever breaks?"),
    ("csv export encoding", "when someone exports a report with accented names the CSV comes out garbled in Excel", ""),
    ("N+1 queries", "the orders list page makes like 400 SQL queries", "could you fix the N+1s in the serializers and add a test that counts queries?"),
    ("retry logic", "our webhook sender gives up after the first failure", "can you add retries with exponential backoff and jitter, and tests for it?"),
    ("parser crash", "our markdown parser crashes with a RecursionError on deeply nested lists", ""),
    ("wrong rounding", "invoice totals are sometimes a cent off compared to the line items", "can you find where we use floats for money and fix it across the code?"),
    ("react state bug", "in our React app the cart badge shows the old count until you refresh", "can you find the state bug and fix it?"),
    ("type errors", "mypy reports about 300 errors since we turned on strict mode", "could you work through the package and fix them properly, no blanket ignores?"),
    ("i18n", "I need our Rails app's email templates to support German and French", "can you wire up the i18n and move the strings out?"),
    ("deadlock", "two of our Go workers deadlock when the queue is empty", "could you find it in the code and fix it, with a regression test?"),
    ("slow endpoint", "the /search endpoint takes 4 seconds on big accounts", "could you profile it and fix the slow part in our code?"),
    ("rate limiter", "I'd like a per-user rate limiter in our FastAPI middleware", "redis-backed, with tests"),
    ("null pointer", "the Android app crashes with a NullPointerException when you rotate the screen on the settings page", ""),
    ("duplicate emails", "users sometimes get the welcome email twice", "can you find why in the signup flow and make it idempotent?"),
    ("serialization", "our Java service fails to deserialize events that have a new optional field", "could you make the consumer tolerant of unknown fields and add a test?"),
    ("date parsing", "our date parser accepts 31/02/2024 and happily turns it into March 2nd", ""),
    ("rewrite in typescript", "we have a 2k-line JavaScript util folder without types", "could you convert it to TypeScript and fix anything the compiler finds?"),
    ("plugin system", "I want to add a plugin system to our CLI tool so teams can register their own subcommands", ""),
    ("auth bug", "a user reported they can see another org's invoices by changing the id in the URL", "could you fix the authorization check in the repo and add tests for it?"),
    ("unicode filenames", "uploads with emoji in the filename break our thumbnail generator", ""),
    ("legacy removal", "we still have the old v1 API code path behind a flag that's been off for a year", "can you remove it cleanly from the codebase?"),
    ("scheduler bug", "our job scheduler runs monthly jobs twice in months with 31 days", ""),
    ("search ranking", "search results put exact title matches below partial ones", "can you dig into our ranking code and fix the scoring?"),
    ("sympy simplify", "I'm contributing to a math library and simplify() returns an expression that isn't equivalent for negative x", "could you find the bug and fix it with a test?"),
    ("pandas groupby", "our analytics package returns wrong averages when a group has NaNs", ""),
    ("config loading", "config values from environment variables don't override the yaml file like the docs say", "could you fix the precedence in our loader?"),
    ("websocket reconnect", "our websocket client never reconnects after the server restarts", "can you add reconnect with backoff in the client code?"),
    ("migration bug", "the migration I wrote for splitting the name column breaks on rows where the name has no space", ""),
    ("error handling", "our CLI prints a raw stack trace when the config file is missing", "could you add proper error handling across the commands?"),
    ("batching", "the importer inserts rows one at a time and takes hours on big files", "can you rework it to batch inserts and keep the validation?"),
    ("leaky abstraction", "every service in our monorepo talks to S3 directly with copy-pasted boto3 code", "could you pull it into one storage module and switch the callers over?"),
]
DEEP_ASKS = [
    "could you find the bug in the repo and fix it, with a test?", "can you dig into the code and fix it?",
    "could you make the change and keep the test suite green?", "can you take this one? the repo is checked out.",
    "please fix it properly and add a regression test.", "could you look through our codebase and sort it out?",
    "I'd appreciate a fix plus tests.", "can you implement it across the repo?",
    "no idea where it comes from, can you track it down in the source?",
]


def deep_coding(rng: random.Random) -> str:
    title, situation, ask = rng.choice(DEEP)
    if not ask or rng.random() < 0.35:
        ask = rng.choice(DEEP_ASKS)
    elif ask[:1].islower() and not ask.startswith(("could", "can")):
        situation, ask = f"{situation}, {ask}", rng.choice(DEEP_ASKS)
    return render(rng, title, situation, ask)


# -- code_review -------------------------------------------------------------------------------
REVIEW = [
    ("review my PR", "I just opened a PR that adds caching to the product endpoint", "could you take a look and tell me if anything's off?"),
    ("second opinion", "my teammate approved my change but I'm not fully convinced about the locking", "can you give it a proper review?"),
    ("review migration", "I wrote a migration that renames a column on a big table", "could you review it before I merge and flag anything risky?"),
    ("feedback on refactor", "I refactored the auth middleware into smaller functions", "mind reviewing the diff for behaviour changes?"),
    ("PR review", "there's a PR from a new contributor that touches our parser", "can you review it and leave comments?"),
    ("security review", "before we ship the password reset flow", "could you review the changes with a security eye?"),
    ("review before release", "release is tomorrow and this PR is the last one in", "could you do a careful code review of it?"),
    ("first PR", "this is my first PR to the team repo and I'm a bit nervous", "would you review it and tell me what to improve?"),
    ("check my changes", "I've changed how we handle retries in the HTTP client", "can you look over the diff and tell me if it's sane?"),
    ("review comments", "I need review comments on PR #482, the one that moves config to env vars", ""),
    ("review SQL", "I rewrote the reporting query to use window functions", "could you review the change and check I didn't alter the results?"),
    ("LGTM?", "the diff for the logging cleanup is up", "is it LGTM or am I missing something?"),
    ("review tests", "I added tests for the billing edge cases in my branch", "can you review whether they actually cover what they claim?"),
    ("review style", "my PR got a lot of nitpicks last time", "can you review this one first so I catch the obvious stuff?"),
    ("review concurrency", "the PR adds a thread pool to the image resizer", "could you review it for thread-safety problems?"),
    ("review API change", "I changed a public function signature in the SDK", "could you review the diff for anything that breaks users?"),
    ("code review request", "my merge request for the CSV importer is ready", "could you review it and approve or request changes?"),
    ("review terraform", "I've got a PR that changes our terraform for the load balancer", "can you review the plan diff and the code?"),
    ("quick review", "small change, just swapped the JSON library for orjson", "quick review?"),
    ("review the patch", "I've attached the patch that fixes the memory leak", "could you review it and say whether the fix is in the right place?"),
    ("review error handling", "I reworked the error handling in the upload service", "can you go through the PR and point out anything you'd do differently?"),
    ("review dockerfile PR", "my PR updates the Dockerfile and the CI workflow", "could you review both files for mistakes?"),
    ("reviewer needed", "I need a reviewer for the feature flag PR, everyone else is out", ""),
    ("review naming", "I'm not sure my naming in this PR makes sense", "could you review it and suggest better names where needed?"),
]
REVIEW_ASKS = [
    "could you take a look at my PR and tell me if anything's off?", "can you review it?", "mind giving it a review?",
    "would you do a code review on it?", "please review the diff and leave comments.", "any feedback on the change?",
    "can you check the PR before I merge?", "review it like you'd review a colleague's PR, be honest.",
]


def code_review(rng: random.Random) -> str:
    title, situation, ask = rng.choice(REVIEW)
    if not ask or rng.random() < 0.35:
        ask = rng.choice(REVIEW_ASKS)
    text = render(rng, title, situation, ask)
    if rng.random() < 0.2:
        text += rng.choice(["\n\nhttps://github.com/acme/shop/pull/", "\n\nPR: !", "\n\nlink: https://gitlab.example.com/team/api/-/merge_requests/"]) \
            + str(rng.randint(12, 2400))
    return text


# -- routine -----------------------------------------------------------------------------------
ROUTINE = [
    ("list of dicts to csv", "", "can you write me a small function that turns a list of dicts into CSV?"),
    ("tuple vs list", "", "what's the difference between a tuple and a list in Python?"),
    ("regex email", "I'm writing a signup form", "could you give me a regex that checks an email address is roughly valid?"),
    ("sql join", "I always mix these up", "what's the difference between a LEFT JOIN and an INNER JOIN?"),
    ("explain big O", "I have an interview next week", "can you explain big-O notation with a couple of simple examples?"),
    ("reverse string", "", "how do I reverse a string in JavaScript?"),
    ("dedupe list", "", "what's the cleanest way to remove duplicates from a list but keep the order?"),
    ("date format", "I have a date like 2024-03-05", "how do I print it as 'March 5, 2024' in Python?"),
    ("explain closure", "I keep reading about closures", "could you explain what a closure is in plain English?"),
    ("fizzbuzz", "", "can you write fizzbuzz in Rust for me?"),
    ("palindrome", "", "write a quick function that checks if a string is a palindrome, ignoring spaces and case"),
    ("git rebase vs merge", "", "when should I use rebase instead of merge?"),
    ("word count", "", "can you write a function that counts how often each word appears in a text?"),
    ("async explain", "", "what does async/await actually do in Python, in simple terms?"),
    ("flatten list", "", "how do I flatten a nested list of arbitrary depth?"),
    ("json parse", "I've got a JSON string from an API", "how do I get the 'name' field out of it in JavaScript?"),
    ("rename variable", "", "what's a good name for a variable that holds the number of retries left?"),
    ("prime check", "", "can you write me an efficient is_prime function?"),
    ("explain decorator", "", "could you explain Python decorators with a tiny example?"),
    ("sort dict by value", "", "how do I sort a dictionary by its values?"),
    ("http status", "", "what's the difference between a 401 and a 403?"),
    ("binary search", "I'm practicing algorithms", "can you write a binary search and explain each step?"),
    ("regex phone", "", "write a regex that matches US phone numbers like (555) 123-4567"),
    ("uuid", "", "how do I generate a UUID in Go?"),
    ("explain REST", "my manager asked me to explain it to the new intern", "what's a REST API, in a paragraph?"),
    ("rgb to hex", "", "can you write a small function that converts an RGB tuple to a hex colour string?"),
    ("chunk list", "", "write me a helper that splits a list into chunks of size n"),
    ("docstring", "", "could you write a docstring for a function that computes compound interest?"),
    ("translate code", "I only know Python", "what would this loop look like in Java: for i, x in enumerate(items): print(i, x)?"),
    ("unit test example", "", "can you show me what a simple pytest test for an add() function looks like?"),
    ("explain git", "", "what's the difference between git fetch and git pull?"),
    ("anagram", "", "write a function that checks whether two words are anagrams"),
    ("explain recursion", "my kid is learning to code", "how would you explain recursion to a 12 year old?"),
    ("sql query", "I have a table orders(id, customer_id, total)", "what's the SQL to get the top 5 customers by total spend?"),
    ("temperature conversion", "", "can you write a function to convert Celsius to Fahrenheit and back?"),
    ("mutable default", "", "why is using a list as a default argument in Python a bad idea?"),
    ("leap year", "", "how do I check whether a year is a leap year?"),
    ("string formatting", "", "what's the difference between f-strings and .format() in Python?"),
    ("explain docker", "", "in two sentences, what's the difference between a docker image and a container?"),
    ("fibonacci", "", "can you write a fibonacci generator in Python?"),
    ("vowels", "", "write a function that counts the vowels in a string"),
    ("matrix transpose", "", "how do I transpose a matrix in Python without numpy?"),
    ("explain hash map", "", "how does a hash map work under the hood, roughly?"),
    ("median", "", "can you write a function to get the median of a list of numbers?"),
    ("compare floats", "", "why does 0.1 + 0.2 not equal 0.3, and how should I compare floats?"),
    ("camel to snake", "", "write me a function that converts camelCase to snake_case"),
    ("explain typescript generics", "", "can you explain TypeScript generics with one short example?"),
    ("bash vs zsh", "just curious", "what's the practical difference between bash and zsh?"),
    ("password generator", "", "can you write a small random password generator function?"),
    ("name for function", "", "I have a function that checks whether a user can edit a document — what should I call it?"),
]
ROUTINE_ASKS = ["", "", "", "just a short answer is fine.", "an example would help.", "in Python please.",
                "keep it simple, it's for a beginner.", "no need for anything fancy."]


def routine(rng: random.Random) -> str:
    title, situation, ask = rng.choice(ROUTINE)
    extra = rng.choice(ROUTINE_ASKS)
    if extra:
        ask = f"{ask} {cap(extra)}"
    if not situation:
        r = rng.random()
        if r < 0.6:
            return chat(rng, "", ask)
        if r < 0.85:
            return slack(rng, "", ask)
        return email(rng, "I have a quick question", ask)
    return render(rng, title, situation, ask)


# -- computer_use: terse imperatives and third-person statements -------------------------------
GUI = [
    "set the default browser to Firefox", "change the slide background to blue in Impress",
    "turn on dark mode in the system settings", "open the Downloads folder and sort it by date",
    "add a bookmark for the current page to the bookmarks bar", "mute notifications from Slack for two hours",
    "change the desktop wallpaper to the mountain photo in Pictures", "pin Thunderbird to the dock",
    "make the first row of the spreadsheet bold", "insert a table of contents at the start of the document",
    "set the screen brightness to 50%", "connect to the office wifi", "empty the trash",
    "change the keyboard layout to German", "increase the font size in the terminal window to 14",
    "create a new folder on the desktop called Invoices", "export the presentation as PDF",
    "set an out-of-office reply in Thunderbird until Monday", "sort the spreadsheet by the Amount column, largest first",
    "open the last email from HR and download the attachment", "clear the browser history for the last hour",
    "switch the display resolution to 1920x1080", "turn off the sound for system alerts",
    "move the chart in the spreadsheet onto its own sheet", "add Spanish as a spell-check language in Writer",
    "rotate the photo 90 degrees clockwise in the image viewer", "rename slide 3's title to Results",
    "enable autosave every 5 minutes in LibreOffice", "change the Chrome homepage to the company intranet",
    "disable the touchpad while typing", "turn the selected text into a bulleted list",
    "add a new contact named Sam Lee with the number on the sticky note", "set the volume to 30%",
    "zoom the web page to 125%", "apply the Heading 1 style to the chapter titles",
    "delete every empty row in the sheet", "unsubscribe from the newsletter in the open email",
    "change the default download location to the Desktop", "fill in the form on the page with the details in notes.txt",
    "make the video player fullscreen and loop the clip", "set the document's page orientation to landscape",
    "add a hyperlink to the word 'here' pointing to the pricing page", "accept all tracked changes in the document",
    "open the settings and turn off automatic updates", "print pages 2 to 4 of the open PDF",
    "change the cell format of column D to currency", "sign in to the webmail with the saved account",
    "install the uBlock Origin extension in Chrome", "lock the screen after 5 minutes of inactivity",
    "merge cells A1 to D1 and center the title", "remove the background music from slide 1",
    "save the open image as a PNG on the Desktop", "add a calendar event for Friday 10am called Dentist",
    "make VS Code open files in a new tab instead of replacing the preview", "close all the browser tabs except this one",
]
GUI_THIRD = [
    "The user wants to {t}.", "User wants to {t}.", "The user would like to {t}.", "Goal: {t}.", "Task: {t}.",
    "The user needs to {t} on their desktop.", "The customer is asking how to {t}; do it for them.",
    "Instruction: {t}.", "Objective: {t}.", "My colleague wants to {t}; please do it on her machine.",
    "The user asked the assistant to {t}.", "The requester needs to {t} before the meeting.",
]
GUI_PASSIVE = [
    ("the slide background changed to blue in Impress", "The user wants {p}."),
    ("the default browser set to Firefox", "The user wants {p}."),
    ("the wallpaper set back to the default image", "The user wants {p}."),
    ("the header row of the sheet frozen", "The user wants {p}."),
    ("the spreadsheet sorted by last name", "They'd like {p}."),
    ("the document exported as a PDF to the Desktop", "The user wants {p}."),
    ("the browser's pop-up blocker turned on", "The user needs {p}."),
    ("the notifications silenced until tomorrow morning", "User wants {p}."),
    ("the photo cropped to a square and saved", "The user wants {p}."),
    ("the email from the landlord moved to the Housing folder", "The user wants {p}."),
    ("the font of the whole document changed to Calibri 11", "The user would like {p}."),
    ("the Bluetooth headphones paired", "The user wants {p}."),
]


def computer_use_terse(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        p, form = rng.choice(GUI_PASSIVE)
        return form.format(p=p)
    task = rng.choice(GUI)
    if r < 0.55:
        text = cap(task) + rng.choice([".", ".", "", "!", " now.", " pls"])
        return text.lower() if rng.random() < 0.2 else text
    if r < 0.85:
        return rng.choice(GUI_THIRD).format(t=task)
    # terse chained imperatives
    other = rng.choice(GUI)
    return f"{cap(task)}, then {other}." if other != task else f"{cap(task)}."


# computer_use in the same chatty voices as the other lanes, so the voice itself stays neutral.
DESKTOP = [
    ("mic not working in Zoom", "I'm on a call in five minutes and Zoom isn't picking up my headset mic", "can you switch the input device in the audio settings?"),
    ("slides background", "my boss hates the white background on our deck", "could you change every slide's background to the dark blue in Impress?"),
    ("spreadsheet totals", "I've got the expenses spreadsheet open", "can you add a totals row at the bottom and make it bold?"),
    ("browser homepage", "every time I open Chrome it shows some weird search page", "could you set the homepage back to Google in the settings?"),
    ("email filter", "my inbox in Thunderbird is flooded with newsletters", "can you make a filter that moves them to a Newsletters folder?"),
    ("photo resize", "the photo I want to upload to the form is too big", "could you open it in GIMP, shrink it to 1024 px wide and export it?"),
    ("wallpaper", "I'm tired of the default wallpaper", "can you set the beach photo from my Pictures folder as the desktop background?"),
    ("word doc formatting", "the report I have open in Writer has headings in five different fonts", "could you make them all Heading 2 in Liberation Sans?"),
    ("dark mode", "my eyes hurt at night", "can you turn on dark mode and the night light in the display settings?"),
    ("online form", "I need to renew my library card on the library's website", "could you fill in the renewal form with my details from the notes file on the desktop?"),
    ("flight search", "I'm trying to plan a trip to Lisbon in June", "can you find the cheapest round-trip flight from Boston on the airline site that's open?"),
    ("calendar invite", "I need a recurring team meeting every Tuesday at 10", "could you add it in the calendar app and invite the three people in the email?"),
    ("pdf export", "the client wants the invoice as a PDF", "can you export the document I have open to PDF and save it on the desktop?"),
    ("chart in calc", "I've got monthly sales in columns A and B in the open sheet", "could you insert a line chart of them next to the table?"),
    ("bookmarks", "my bookmarks bar is a mess", "can you put all the work bookmarks into a folder called Work?"),
    ("screen timeout", "my screen keeps turning off while I'm reading", "could you set the blank-screen delay to 15 minutes in the settings?"),
    ("vlc subtitles", "I'm watching a movie in VLC and the subtitles are out of sync", "can you delay them by about two seconds using the player's menu?"),
    ("extension install", "I keep getting pop-up ads on recipe sites", "could you install an ad blocker extension in Firefox for me?"),
    ("slide transitions", "my presentation is tomorrow", "can you add a simple fade transition to every slide in Impress?"),
    ("email attachment", "there's an email from my landlord with the lease attached", "could you save the attachment into Documents/Housing?"),
    ("conditional formatting", "in the grades sheet I have open", "can you highlight every score below 50 in red?"),
    ("printer default", "documents keep going to the old printer upstairs", "could you make the office printer the default in the system settings?"),
    ("online shopping", "I need a new phone charger", "can you find a USB-C one under $20 on the shop's website and add it to the cart?"),
    ("font size vs code", "the text in VS Code is tiny on my new monitor", "could you bump the editor font size to 16 in the settings?"),
    ("image crop", "I have a screenshot open in the image editor", "can you crop it to just the chart in the middle and save it?"),
    ("signature", "I just changed roles at work", "could you update my email signature in Thunderbird with the new title?"),
    ("language setting", "my grandma's laptop somehow switched to French", "can you change the system language back to English?"),
    ("table of contents", "my thesis in Writer is 80 pages now", "could you insert a table of contents after the title page?"),
    ("youtube playlist", "I found a bunch of cooking videos I like", "can you add the ones in the open tabs to a new YouTube playlist?"),
    ("wifi", "the laptop won't connect to the guest network", "could you forget it and reconnect with the password on the sticky note in the photo?"),
    ("spreadsheet cleanup", "the contact list I have open in Calc has duplicate rows", "can you remove the duplicates and sort it by surname?"),
    ("notification settings", "Slack pings me all night", "could you set do-not-disturb from 7pm to 8am in the app's preferences?"),
]


def computer_use_chatty(rng: random.Random) -> str:
    title, situation, ask = rng.choice(DESKTOP)
    return render(rng, title, situation, ask)


def computer_use(rng: random.Random) -> str:
    return computer_use_chatty(rng) if rng.random() < 0.45 else computer_use_terse(rng)


GENERATORS = {
    "terminal": terminal,
    "deep_coding": deep_coding,
    "code_review": code_review,
    "routine": routine,
    "computer_use": computer_use,
}


def generate(lane: str, rng: random.Random) -> str:
    return GENERATORS[lane](rng)
