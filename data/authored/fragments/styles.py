"""Real users' *styles* for the costly confusions (terminal vs computer_use, routine vs deep_coding).

- terse shell requests, written the way people describe a one-liner (third person, quoted names,
  "current directory", no app, no window) -> terminal;
- first-person desktop chores that name an application, a window, a menu, a web site or a document
  the user has open -> computer_use;
- issue-tracker tickets (title, "Description", prose with inline code, versions) -> deep_coding;
- small self-contained function stubs with a docstring and examples -> routine;
- review requests phrased many ways, with and without a diff -> code_review.
"""

from __future__ import annotations

import random

from fragments.common import cap, frame, maybe_lower

# -- terminal: one-liners ----------------------------------------------------------------------
NAMES = ["\"backup\"", "'logs'", "\"dist\"", "\"src_old\"", "'tmp_files'", "\"release-2\"", "'archive'",
         "\"photos\"", "'data.txt'", "\"notes.md\"", "'config.ini'", "\"output.log\"", "'report.csv'"]
OWNERS = ["root", "www-data", "\"deploy\"", "user", "\"admin\"", "nobody", "\"jenkins\""]
SIZES = ["10k", "1MB", "100 megabytes", "50000 bytes", "2G", "512 KB"]
AGES = ["in the last day", "more than 30 days ago", "within the past week", "in the last 10 minutes",
        "before 2020", "today", "less than 2 hours ago", "over a year ago"]
DIRS = ["the current directory", "the current directory tree", "/usr/share", "the home directory",
        "\"$dir\"", "the directory given as the first argument", "/var/tmp", "\"/path/to/dir\"",
        "the parent directory", "all subdirectories", "the whole file system", "$HOME", "./src"]
EXTS = ["\".txt\"", "*.log", ".py", "\"*.sh\"", ".c and .h", ".conf", "\"*.bak\"", ".java", ".html",
        "\"*.gz\"", ".jpg", ".csv"]
ONE_LINERS = [
    "find all {ext} files in {dir}", "list all files modified {age} recursively",
    "count lines in every {ext} file under {dir}", "delete files larger than {size} in {dir}",
    "change the owner of {name} to {owner}", "change permissions of all directories in {dir} to 755",
    "print the number of files in {dir}", "search for the string \"TODO\" in all {ext} files in {dir}",
    "find files owned by {owner} in {dir} and print their sizes", "remove empty directories under {dir}",
    "show the 5 largest files in {dir}", "copy all {ext} files from {dir} to /tmp preserving attributes",
    "create a symbolic link named {name} pointing to /opt/app/current",
    "print the md5 checksum of {name}", "compress {name} with gzip and keep the original",
    "display the last 50 lines of {name} and keep following it", "sort {name} numerically by the second column",
    "print unique lines of {name} with their counts", "replace every \"foo\" with \"bar\" in {name} in place",
    "print the first column of {name} separated by colons", "find broken symlinks in {dir} and remove them",
    "set the variable {name} to the output of `date +%s`", "print the full path of the current working directory",
    "list the processes of user {owner}", "kill all processes named {name}",
    "show the environment variable PATH one entry per line", "print the IP addresses of all network interfaces",
    "report the disk usage of {dir} in human readable form", "archive {dir} into a bzip2 compressed tarball",
    "extract the tar.gz archive {name} into {dir}", "find files with permission 777 in {dir}",
    "list all hidden files in {dir}", "print lines 10 through 20 of {name}", "show which shell is running",
    "append the current date to {name}", "make {name} executable for the owner only",
    "find {ext} files {age} and move them to ./old", "print the inode number of {name}",
    "count the number of unique IP addresses in {name}", "convert {name} from dos to unix line endings",
    "split {name} into files of 1000 lines each", "print every line of {name} that does not contain \"#\"",
    "find directories named {name} under {dir} and delete them recursively",
    "print the size of each file in {dir} sorted from largest to smallest",
    "list the files in {dir} that are newer than {name}", "display the calendar for the current month",
    "change to the directory containing the executable of \"python3\"", "print the current user's groups",
    "search {dir} for files containing \"password\" ignoring case", "show the total number of lines in all {ext} files",
    "list installed packages and save them to {name}", "print the name of the newest file in {dir}",
    "rename every {ext} file in {dir} to lower case", "print the number of CPUs on this machine",
    "show free memory in megabytes", "find all files in {dir} whose name contains a space",
    "print the contents of {name} in reverse line order", "merge two sorted files into one sorted output",
    "find {ext} files in {dir} excluding the .git directory", "print the hexdump of the first 64 bytes of {name}",
]
ONE_LINER_FORMS = [
    "{T}", "{T}.", "{T}", "{Ts}", "{Ts}.", "{T} using find", "{T} with a single command", "bash one-liner: {t}",
    "How can I {t} from the command line?", "{T} in linux", "Write a shell command to {t}.",
    "what's the command to {t}?", "{T} (bash)", "I need a command that will {t}", "cmd: {t}", "{T} via xargs",
]


def _third_person(task: str) -> str:
    verb, _, rest = task.partition(" ")
    if verb.endswith(("sh", "ch", "s", "x")):
        verb += "es"
    elif verb.endswith("y") and verb not in ("display",):
        verb = verb[:-1] + "ies"
    else:
        verb += "s"
    return f"{verb} {rest}"


def one_liner(rng: random.Random) -> str:
    task = rng.choice(ONE_LINERS).format(
        ext=rng.choice(EXTS), dir=rng.choice(DIRS), age=rng.choice(AGES), size=rng.choice(SIZES),
        name=rng.choice(NAMES), owner=rng.choice(OWNERS),
    )
    form = rng.choice(ONE_LINER_FORMS)
    text = (form.replace("{Ts}", cap(_third_person(task))).replace("{T}", cap(task))
            .replace("{t}", task))
    return maybe_lower(rng, text, 0.25)


# -- terminal: agent task statements -----------------------------------------------------------
AGENT_VERBS = [
    "Build {proj} from source in {where} and make sure `{check}` passes.",
    "The {svc} service in this container fails to start. Find out why from the logs and fix it so `{check}` succeeds.",
    "Deploy {svc} with docker compose, exposing it on port {port}, and verify it answers on /health.",
    "Debug why the CI job `{job}` fails in this repository; reproduce it locally with the same commands and fix the pipeline config.",
    "Recover the files deleted from {where} using whatever is left in the git objects and the backup tarball.",
    "Write a systemd unit for {svc} that restarts it on failure, enable it, and confirm `systemctl is-active {svc}` prints active.",
    "Configure nginx to proxy /api to localhost:{port} and serve static files from {where}; `nginx -t` must pass.",
    "The kubernetes deployment {svc} is in CrashLoopBackOff. Inspect the pod logs and events with kubectl and fix the manifest.",
    "Set up a python 3.12 virtual environment in {where}, install the pinned requirements and make `{check}` green.",
    "Our {svc} container image is 2.1 GB. Rewrite the Dockerfile as a multi-stage build and get it under 300 MB.",
    "Find which cron entry on this host fills /var/log with {svc} logs and make logrotate handle it.",
    "Parse the access logs in {where} and write the ten slowest endpoints with their p95 latency to /app/answer.txt.",
    "The database migration for {svc} hangs. Connect with psql, find the blocking lock and get the migration through.",
    "Make the build reproducible: pin the toolchain, vendor the dependencies and make `{check}` produce the same hash twice.",
    "Install {tool} without internet access using the .deb files in {where} and resolve the missing dependencies.",
    "Bring the {svc} replica back in sync after it fell behind; do not drop any data.",
    "Investigate the high load on this server with top, iostat and ss, then stop whatever is hammering the disk.",
    "Create a bash script that backs up {where} every night, keeps seven copies and logs to syslog. Install it with cron.",
]
CHECKS = ["make test", "cargo test", "npm test", "pytest -q", "go test ./...", "curl -sf localhost:8080/health",
          "./run_tests.sh", "ctest --output-on-failure", "mvn -q verify"]
PROJS = ["the C library", "the Go CLI", "the Rust crate", "this old autotools project", "the Node service", "the CMake project"]
WHERES = ["/app", "/srv/app", "/opt/build", "~/work/repo", "/data/site", "/var/www/html", "/home/user/project"]
SVCS = ["api", "worker", "redis", "postgres", "nginx", "gitea", "metrics", "ingest", "mailer", "webhook"]
JOBS = ["test", "lint", "build-docker", "e2e", "release", "integration"]
TOOLS = ["ffmpeg", "postgresql-16", "nodejs", "gcc-13", "openjdk-21", "terraform", "docker-ce", "clang-17"]


def agent_task(rng: random.Random) -> str:
    text = rng.choice(AGENT_VERBS).format(
        proj=rng.choice(PROJS), where=rng.choice(WHERES), check=rng.choice(CHECKS), svc=rng.choice(SVCS),
        port=rng.choice([3000, 5000, 8000, 8080, 9000]), job=rng.choice(JOBS), tool=rng.choice(TOOLS),
    )
    r = rng.random()
    if r < 0.25:
        text = rng.choice(["Task: ", "## Task\n\n", "Instructions\n\n", "", "Your job: "]) + text
    if rng.random() < 0.3:
        text += rng.choice([" You have root in the container.", " Don't change the application code.",
                            " There is no internet access.", " Leave a short summary of what you changed in NOTES.md.",
                            "\n\nThe tests are in /app/tests and will be run after you finish."])
    return text


# -- computer_use: first-person desktop and web chores ------------------------------------------
APPS = ["LibreOffice Calc", "LibreOffice Writer", "LibreOffice Impress", "GIMP", "Thunderbird", "VLC",
        "Chrome", "Firefox", "VS Code", "the Files app", "the file manager", "Google Sheets", "Excel",
        "PowerPoint", "Word", "Outlook", "Nautilus", "the Settings app", "the GNOME settings", "Inkscape"]
APP_TASKS = {
    "LibreOffice Calc": ["fill column C with the sum of A and B for every row", "make a line chart of the sales column and put it on a new sheet",
                         "highlight the duplicate names in red", "freeze the header row and autofit the column widths",
                         "sort the sheet by the 'Date' column and remove blank rows", "compute the average score per student in a new column"],
    "LibreOffice Writer": ["make all the headings bold and 14pt", "insert a page break before each chapter",
                           "turn the list of references into a numbered list", "change the page margins to 2 cm",
                           "add a footer with the page number", "set the line spacing to double for the whole document"],
    "LibreOffice Impress": ["change the background of every slide to white", "add a title slide saying 'Q3 Review'",
                            "make the text on slide 3 bigger", "apply a fade transition to all slides"],
    "GIMP": ["make the background of the picture transparent", "resize the image to 800 pixels wide keeping the ratio",
             "increase the contrast of the photo a little", "flip the layer horizontally and export it as png", "convert the image to grayscale"],
    "Thunderbird": ["move all emails from the newsletter into a folder called Later", "add a signature with my phone number",
                    "set up a filter so that mails from my boss are starred", "export the address book to CSV"],
    "VLC": ["make the video loop forever", "turn the volume up to 150%", "add the subtitle file from my Downloads", "take a snapshot of the current frame"],
    "Chrome": ["open the bookmarks bar and delete the bookmarks folder called Old", "clear the cookies from the last day",
               "set the homepage to the company intranet", "turn off the password-saving popup", "restore the tabs I closed a minute ago"],
    "Firefox": ["make DuckDuckGo the default search engine", "block pop-ups on every site", "install the dark reader add-on", "show the bookmarks toolbar"],
    "VS Code": ["change the color theme to a light one", "set the tab size to 4 in the settings", "hide the minimap",
                "turn on word wrap for every file", "install the Python extension", "change the font size of the editor to 16"],
}
GENERIC_APP_TASKS = ["open it and {x}", "{x}", "can you {x}", "I want to {x}"]
OSW_STYLE = [
    "I have a folder named {name} on my Desktop. Can you help me rename it to {name2}?",
    "Could you open the file {doc} on the Desktop and {office}?",
    "I'm working on {doc} in {app}; please {office}.",
    "On my desktop there's {doc}. Open it and {office}, then save it.",
    "Help me {office} in the document I have open.",
    "My screen is showing {app}. {Office} and save the changes.",
    "I've got {doc} open. {Office}, please.",
    "In {app}, {office}.",
    "Please use {app} to {office}.",
    "Find {web} and save the result to a new sheet in the spreadsheet I opened.",
    "Find {web}.",
    "Search for {web} in the browser and bookmark the page.",
    "Can you look up {web} for me on the website that's open?",
    "Go to the website of {org} and {webact}.",
    "Open {site} in the browser and {webact}.",
    "Drag {doc} from the desktop into the {folder} folder.",
    "Make the desktop background {color}.",
    "Set the screen to turn off after {n} minutes in the system settings.",
    "Change my display to {n}% scaling.",
    "Help me install the {ext} extension in {app}.",
    "Snap a screenshot of the whole screen and save it as {name2} on the Desktop.",
    "Show me how many unread emails are in my inbox in {app}.",
]
DOCS = ["report.docx", "sales.xlsx", "budget.ods", "slides.pptx", "notes.odt", "invoice.pdf", "photo.jpg",
        "grades.xlsx", "thesis.docx", "\"Q1 plan.pptx\"", "poster.png", "contacts.csv"]
OFFICE = ["make the title bold and centered", "change the font of the whole text to Arial", "add a column with the totals",
          "sort the rows by the second column", "insert a chart showing the monthly numbers", "delete the empty slides",
          "highlight the cells above 100 in green", "add page numbers in the footer", "convert the table to a bar chart",
          "rename the first sheet to Summary", "make the first row a header and freeze it", "put a border around the table",
          "replace every 'colour' with 'color'", "set the picture as the background of the first slide",
          "resize the image to half its size", "crop the photo to a square"]
WEB = ["the cheapest flight from Chicago to Miami next Friday", "the weather forecast for Lisbon this weekend",
       "a recipe for vegan lasagna with at least 4.5 stars", "the opening hours of the city library",
       "a used Toyota Corolla under $10,000 near Austin", "the most cited paper on diffusion models from 2022",
       "a two-bedroom apartment for rent in Berlin under 1500 euros", "the price of the Sony WH-1000XM5 on the store page",
       "the best-rated hotel in Kyoto for two nights in May", "the return policy on the shop's help page",
       "the next home game of the Chicago Bulls", "train tickets from Paris to Lyon tomorrow morning"]
ORGS = ["the city council", "the university", "our bank", "the airline", "the museum", "the DMV"]
WEBACTS = ["download the latest annual report", "sign up for the newsletter with my email", "find the contact form and send my question",
           "add the first item to the cart", "check my order status", "change my account password"]
SITES = ["amazon.com", "the Google Drive page", "booking.com", "the company wiki", "youtube", "the online banking site", "github.com"]
FOLDERS = ["Documents", "Archive", "Projects", "Work", "Old stuff"]
COLORS = ["a plain dark gray", "the photo of the beach in Pictures", "blue", "the default image again"]
EXTS_GUI = ["Python", "GitLens", "uBlock Origin", "Grammarly", "Dark Reader", "Prettier"]


def desktop_task(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        app = rng.choice(list(APP_TASKS))
        task = rng.choice(APP_TASKS[app])
        forms = [f"In {app}, {task}.", f"Open {app} and {task}.", f"{cap(task)} in {app}.",
                 f"I have {app} open; {task}.", f"Using {app}, {task}.", f"In {app} {task}",
                 f"Can you {task} in {app}?", f"Help me {task} in {app}."]
        return maybe_lower(rng, rng.choice(forms), 0.15)
    if r < 0.45:
        app = rng.choice(list(APP_TASKS))
        return maybe_lower(rng, frame(rng, f"{rng.choice(APP_TASKS[app])} in {app}"), 0.15)
    office = rng.choice(OFFICE)
    text = rng.choice(OSW_STYLE).format(
        name=rng.choice(NAMES), name2=rng.choice(NAMES), doc=rng.choice(DOCS), office=office, Office=cap(office),
        app=rng.choice(APPS), web=rng.choice(WEB), org=rng.choice(ORGS), webact=rng.choice(WEBACTS),
        site=rng.choice(SITES), folder=rng.choice(FOLDERS), color=rng.choice(COLORS), n=rng.choice([5, 10, 125, 150]),
        ext=rng.choice(EXTS_GUI),
    )
    return maybe_lower(rng, text, 0.15)


# -- deep_coding: issue-tracker tickets --------------------------------------------------------
LIBS = ["django", "sympy", "matplotlib", "pandas", "requests", "flask", "sphinx", "pytest", "scikit-learn",
        "astropy", "xarray", "pylint", "seaborn", "sqlalchemy", "fastapi", "numpy"]
CLASSES = ["QuerySet.union", "ModelForm", "Field.deconstruct", "Axes.bar", "DataFrame.groupby", "Session.send",
           "autodoc", "LogisticRegression", "Table.read", "Dataset.sel", "Blueprint.register", "Mul.flatten",
           "CharField", "TimeSeries", "Client.request", "FixtureRequest"]
ISSUE_TITLES = [
    "{cls} ignores {opt} when {cond}", "{cls} raises {exc} on {inp}", "Regression in {ver}: {cls} returns wrong result for {inp}",
    "{cls}() crashes with {exc} if {cond}", "Unexpected behaviour of {cls} with {inp}", "{cls} should support {opt}",
    "Wrong output of {cls} when {cond}", "Deprecation warning raised by {cls} even though {cond}",
]
OPTS = ["the `ordering` argument", "`null=True`", "timezone-aware datetimes", "`copy=False`", "a custom `__eq__`",
        "non-ASCII names", "the `db_column` option", "an empty iterable", "`strict=True`", "`sort=False`"]
CONDS = ["the model has a custom primary key", "the input contains NaN", "it is called twice", "used inside a subquery",
         "the field name clashes with a keyword", "running under Python 3.12", "the array is 0-dimensional",
         "the locale is not English", "the related object was deleted", "the label is an integer"]
INPUTS = ["an empty list", "a negative exponent", "a MultiIndex", "a proxy model", "a symbolic matrix", "a bytes path",
          "a generator", "nested dataclasses", "unicode filenames", "a 1x1 matrix"]
EXCS = ["TypeError", "AttributeError", "ValueError", "KeyError", "IndexError", "RecursionError", "IntegrityError"]
BODIES = [
    "When {cond}, calling `{cls}` produces an incorrect result. For example:\n\n>>> {snippet}\n{wrong}\n\nI would expect {right}.",
    "Description\n\t\nI noticed that {cls} does not take {opt} into account. Given the following model:\n\nclass Order(models.Model):\n\tref = models.CharField(max_length=20, primary_key=True)\n\tcustomer = models.ForeignKey(Customer, on_delete=models.CASCADE)\n\nthe generated SQL drops the column and {wrong}.",
    "### Bug summary\n\n`{cls}` fails with {exc} if {cond}.\n\n### Code for reproduction\n\n```python\n{snippet}\n```\n\n### Actual outcome\n\n{exc}: {wrong}\n\n### Expected outcome\n\n{right}\n\n### Version\n\n{lib} {ver}",
    "Hi, after upgrading {lib} from {ver0} to {ver} the following started to break:\n\n    {snippet}\n\nIt raises {exc} deep inside `{mod}`. Looking at the code, the check in `{mod}` was changed in the last release and now assumes {cond2}.",
    "{cls} silently returns {wrong} for {inp}. The docs say {right}. The problem seems to be in `{mod}`, where the {inp} case is never handled. I can submit a PR if the approach sounds right.",
    "Steps to reproduce:\n1. create {inp}\n2. call `{cls}` on it\n\nThe result is {wrong}; expected {right}. Tested with {lib} {ver} on Python 3.11.",
]
SNIPPETS = ["from {lib} import *\nx = {cls}([])\nprint(x)", "obj = {cls}(data, sort=False)\nobj.compute()",
            "{cls}(Symbol('x')**-1)", "qs = Model.objects.filter(pk__in=[]).union(qs2)\nlist(qs)",
            "fig, ax = plt.subplots()\nax.bar([], [])\nfig.savefig('out.png')"]
WRONGS = ["`None`", "an empty result", "the value is duplicated", "the order is reversed", "`0` instead of `1`", "a stale cache entry"]
RIGHTS = ["the same result as before", "an empty list", "a clear error message", "the original order to be kept", "`True`"]
MODS = ["db/models/query.py", "core/mul.py", "axes/_axes.py", "core/groupby/ops.py", "ext/autodoc/__init__.py", "sessions.py", "utils/validation.py"]


def issue_ticket(rng: random.Random) -> str:
    lib, cls = rng.choice(LIBS), rng.choice(CLASSES)
    fill = dict(
        cls=cls, opt=rng.choice(OPTS), cond=rng.choice(CONDS), cond2=rng.choice(CONDS), inp=rng.choice(INPUTS),
        exc=rng.choice(EXCS), lib=lib, ver=rng.choice(["4.2", "3.1.2", "1.12", "2.0.3", "0.24.1", "7.3.0"]),
        ver0=rng.choice(["3.0", "1.11", "2.0.0", "0.23"]), wrong=rng.choice(WRONGS), right=rng.choice(RIGHTS),
        mod=rng.choice(MODS),
    )
    fill["snippet"] = rng.choice(SNIPPETS).format(**fill)
    title = rng.choice(ISSUE_TITLES).format(**fill)
    body = rng.choice(BODIES).format(**fill)
    sep = rng.choice(["\n", "\n\n", " ", "\n"])
    return f"{title}{sep}{body}"


# -- routine: small self-contained function requests -------------------------------------------
FUNCS = [
    ("count_vowels", "s: str", "int", "Return the number of vowels in the string s.", "count_vowels('hello')", "2"),
    ("is_palindrome", "text: str", "bool", "Check whether the given text reads the same backwards, ignoring case.", "is_palindrome('Level')", "True"),
    ("second_largest", "nums: list", "int", "Return the second largest distinct number in the list.", "second_largest([4, 1, 4, 3])", "3"),
    ("merge_sorted", "a: list, b: list", "list", "Merge two sorted lists into one sorted list.", "merge_sorted([1, 3], [2])", "[1, 2, 3]"),
    ("digit_sum", "n: int", "int", "Given a non-negative integer, return the sum of its digits.", "digit_sum(1234)", "10"),
    ("rotate_left", "lst: list, k: int", "list", "Rotate the list to the left by k positions.", "rotate_left([1, 2, 3, 4], 1)", "[2, 3, 4, 1]"),
    ("longest_word", "sentence: str", "str", "Return the longest word in the sentence; the first one on ties.", "longest_word('a bb ccc dd')", "'ccc'"),
    ("fizzbuzz", "n: int", "list", "Return the FizzBuzz sequence from 1 to n as strings.", "fizzbuzz(5)", "['1', '2', 'Fizz', '4', 'Buzz']"),
    ("unique_chars", "s: str", "bool", "Return True if all characters of s are different.", "unique_chars('abc')", "True"),
    ("run_length", "s: str", "str", "Encode the string with run-length encoding.", "run_length('aaab')", "'a3b1'"),
    ("nth_prime", "n: int", "int", "Return the n-th prime number (1-indexed).", "nth_prime(4)", "7"),
    ("flatten", "nested: list", "list", "Flatten a list of lists one level deep.", "flatten([[1], [2, 3]])", "[1, 2, 3]"),
    ("char_freq", "s: str", "dict", "Return a dictionary mapping each character to how often it occurs.", "char_freq('aba')", "{'a': 2, 'b': 1}"),
    ("triangle_area", "a: float, h: float", "float", "Given length of a side and height return area for a triangle.", "triangle_area(5, 3)", "7.5"),
    ("sum_even_odd", "nums: list", "tuple", "Return a tuple of the sum of the even and the sum of the odd numbers.", "sum_even_odd([1, 2, 3, 4])", "(6, 4)"),
    ("to_binary", "n: int", "str", "Convert a decimal number to its binary representation as a string.", "to_binary(5)", "'101'"),
    ("common_elements", "a: list, b: list", "list", "Return the sorted common elements of two lists.", "common_elements([1, 2, 3], [2, 3, 4])", "[2, 3]"),
    ("max_subarray", "arr: list", "int", "Find the maximum sum of a contiguous subarray.", "max_subarray([-2, 1, -3, 4, -1, 2])", "5"),
    ("remove_duplicates", "items: list", "list", "Remove duplicates from a list while keeping the original order.", "remove_duplicates([3, 1, 3, 2])", "[3, 1, 2]"),
    ("is_leap", "year: int", "bool", "Return whether the year is a leap year.", "is_leap(2000)", "True"),
]
ROUTINE_FORMS = ["stub", "stub", "mbpp", "mbpp", "ask"]


def function_request(rng: random.Random) -> str:
    name, args, ret, doc, call, out = rng.choice(FUNCS)
    kind = rng.choice(ROUTINE_FORMS)
    if kind == "stub":
        imports = rng.choice(["", "", "from typing import List\n\n\n", "import math\n\n\n"])
        return f'{imports}def {name}({args}) -> {ret}:\n    """ {doc}\n    >>> {call}\n    {out}\n    """\n'
    if kind == "mbpp":
        return f"{rng.choice(['Write a function to', 'Write a python function to', 'Write a function that', 'Create a function to'])} " \
               f"{doc[0].lower() + doc[1:].rstrip('.')}.\nassert {call} == {out}"
    return frame(rng, f"write a small function `{name}` that does this: {doc[0].lower() + doc[1:].rstrip('.')}")


# -- code_review: review requests phrased many ways ---------------------------------------------
REVIEW_ASKS = [
    "LGTM?", "what do you think of this change?", "can you give this a once-over before I merge?",
    "does this look right to you?", "is this diff safe to ship?", "sanity check this for me",
    "any concerns with this patch?", "please review", "thoughts on this PR?", "would you approve this?",
    "be picky, this touches billing", "anything I missed here?", "second pair of eyes please",
    "is there a cleaner way to write this change?", "check this before I push to main",
]
PR_DESCRIPTIONS = [
    "## Summary\nAdds retry with exponential backoff to the webhook sender.\n\n## Changes\n- new `RetryPolicy` class\n- sender uses it for 5xx responses\n- tests for the backoff schedule\n\n## Testing\nUnit tests; ran against staging for an hour.",
    "This PR replaces the hand-rolled CSV parser with the stdlib `csv` module and drops the legacy quoting flag. Closes #412.",
    "### What\nMove session storage from cookies to redis.\n### Why\nCookies hit the 4 KB limit for admins.\n### Risk\nSessions are invalidated on deploy.",
    "Refactor: split `OrderService` into `OrderReader` and `OrderWriter`; no behaviour change intended. Reviewers: please focus on the transaction boundaries.",
    "Fixes the race in the cache warmup by taking the lock before checking the key. Added a regression test that fails on main.",
]
SMALL_DIFFS = [
    "-    if user.is_admin:\n+    if user is not None and user.is_admin:\n         return True",
    "-    timeout = 30\n+    timeout = int(os.environ.get(\"TIMEOUT\", 30))",
    "-for i in range(len(items)):\n-    print(items[i])\n+for item in items:\n+    print(item)",
    "-  const total = prices.reduce((a, b) => a + b);\n+  const total = prices.reduce((a, b) => a + b, 0);",
    "-    return cache[key]\n+    return cache.get(key)",
    "-        conn.close()\n+        if conn:\n+            conn.close()",
]


def review_request(rng: random.Random) -> str:
    ask = rng.choice(REVIEW_ASKS)
    r = rng.random()
    if r < 0.35:
        diff = rng.choice(SMALL_DIFFS)
        path = rng.choice(["app/auth.py", "src/cart.js", "lib/config.py", "services/db.py", "utils/io.py"])
        hunk = f"--- a/{path}\n+++ b/{path}\n@@ -{rng.randint(3, 120)},4 +{rng.randint(3, 120)},5 @@\n{diff}"
        return f"{cap(ask)}\n\n{hunk}" if rng.random() < 0.6 else f"{hunk}\n\n{ask}"
    if r < 0.65:
        desc = rng.choice(PR_DESCRIPTIONS)
        lead = rng.choice(["Here's the PR description:", "Review this pull request:", "PR up for review:",
                           "Can you review my PR?", "", "Pasting the PR text:"])
        return f"{lead}\n\n{desc}\n\n{cap(ask)}".strip()
    diff = rng.choice(SMALL_DIFFS)
    return f"{cap(ask)} {rng.choice(['', 'I changed', 'my change:', 'the change is'])}\n{diff}".strip()


GENERATORS = {
    "terminal": [(one_liner, 0.65), (agent_task, 0.35)],
    "computer_use": [(desktop_task, 1.0)],
    "deep_coding": [(issue_ticket, 1.0)],
    "routine": [(function_request, 1.0)],
    "code_review": [(review_request, 1.0)],
}


def generate(lane: str, rng: random.Random) -> str:
    r = rng.random()
    for fn, p in GENERATORS[lane]:
        if r < p:
            return fn(rng)
        r -= p
    return GENERATORS[lane][-1][0](rng)


# -- second round: web look-ups, narrative function stubs, media jobs done in a shell -----------
WEB_THINGS = [
    "a rental car for next weekend in Madrid with the lowest price", "the monthly weather forecast for Oslo",
    "flights from Denver to Toronto on the 12th of next month, nonstop only", "the cheapest hotel near the Eiffel Tower with free wifi",
    "the list of accepted papers at ICML this year", "a coffee grinder under $50 with free shipping",
    "the top-rated Thai restaurant in my area that is open now", "the exchange rate from euro to yen today",
    "the admission requirements for the master's program in data science", "bus routes from the airport to downtown Seattle",
    "the latest version of the Firefox release notes", "a pair of running shoes in size 42 on sale",
    "the tracking status of my package", "the phone number of the nearest vet clinic", "the lyrics of the song playing in the other tab",
    "a one-way train ticket from Munich to Vienna on Saturday", "the author of the most popular post on the forum today",
    "events happening in Chicago this weekend", "a dentist that takes my insurance within 5 miles", "the schedule of the next SpaceX launch",
]
WEB_FORMS = [
    "Find {w}.", "find {w}", "Search for {w}.", "Look up {w} and show me the page.", "Show me {w}.",
    "Find {w} and sort the results by price.", "Find {w} on {site}.", "Browse to {site} and find {w}.",
    "Can you find {w} for me?", "I'm looking for {w}; open the best match in a new tab.",
    "Help me find {w} and add it to my favorites.", "Check {site} for {w}.",
]
NARRATIVE = [
    ("You are given a list of non-negative integers representing the heights of bars. Return the amount of water trapped after raining.", "trap_water", "heights"),
    ("Given a string of words separated by spaces, return the words sorted by their length, shortest first, keeping the original order on ties.", "sort_by_length", "sentence"),
    ("A farmer has n chickens and m rabbits. Given the total number of heads and legs, return the number of rabbits, or -1 if impossible.", "count_rabbits", "heads, legs"),
    ("Imagine a row of n houses, each with some money. You cannot rob two adjacent houses. Return the maximum amount you can rob.", "max_robbery", "money"),
    ("Given a positive integer n, return a list of the odd numbers in its Collatz sequence, sorted in increasing order.", "odd_collatz", "n"),
    ("You will be given a number in decimal form and your task is to convert it to binary, wrapped in the characters 'db' on both ends.", "to_db_binary", "decimal"),
    ("Given a grid of 0s and 1s, return the number of islands, where an island is a group of 1s connected horizontally or vertically.", "count_islands", "grid"),
    ("We have an array of N integers. Determine whether it is possible to get a sorted array by performing right shift operations any number of times.", "can_shift_sort", "arr"),
    ("Write a function that takes a message and encodes it by swapping the case of every letter and replacing vowels with the letter two places ahead.", "encode", "message"),
    ("Given two intervals as pairs of integers, determine whether the length of their intersection is a prime number. Return 'YES' or 'NO'.", "intersection", "a, b"),
    ("You are a hungry rabbit who has eaten some carrots. Return the total eaten after meals and the number left, eating all remaining if not enough.", "eat", "number, need, remaining"),
    ("Given a string s, count the number of uppercase vowels in even indices.", "count_upper", "s"),
    ("Return the n-th Fibonacci number that is also prime.", "prime_fib", "n"),
    ("Check if the brackets string is correctly nested: every opening bracket has a matching closing one.", "correct_brackets", "brackets"),
]


def narrative_stub(rng: random.Random) -> str:
    desc, name, args = rng.choice(NARRATIVE)
    words = desc.split()
    lines, cur = [], ""
    for w in words:
        if len(cur) + len(w) > 70:
            lines.append(cur.rstrip())
            cur = ""
        cur += w + " "
    lines.append(cur.rstrip())
    doc = "\n    ".join(lines)
    ex = rng.choice([f"\n    For example:\n    {name}(...) == ...", f"\n    >>> {name}(...)\n    ...",
                     "\n    Example 1:\n        Input: ...\n        Output: ...", ""])
    head = rng.choice(["", "", "import math\n\n", "from typing import List\n\n\n"])
    return f'{head}\ndef {name}({args}):\n    """{rng.choice(["", chr(10) + "    "])}{doc}{ex}\n    """\n'


MEDIA_TITLES = [
    "Cut the silent parts out of a screen recording", "Extract every slide change from a lecture video",
    "Transcribe a meeting recording and list the action items", "Find the frames where the presenter's screen shows an error dialog",
    "Align subtitles with a narrated walkthrough", "Build a contact sheet of thumbnails from a video",
    "Measure loudness of each podcast episode", "OCR the tables in a set of scanned PDFs into one spreadsheet",
    "Check that the narration matches what is on screen", "Detect scene cuts in a trailer",
]
MEDIA_OUT = ["`./output.json`", "`./answer.csv`", "`/app/out/report.md`", "`./clips/` (one mp4 per segment)", "`./result.xlsx`"]


def media_spec(rng: random.Random) -> str:
    title = rng.choice(MEDIA_TITLES)
    inp = rng.choice(["`./assets/recording.mp4`", "`./assets/lecture.webm`", "`./assets/meeting.wav`",
                      "`./assets/scans/*.pdf`", "`./assets/demo_screen.mkv`", "`./assets/slides.pdf` and `./assets/talk.mp3`"])
    role = rng.choice(["You are a video QA engineer", "You are an editor at a course-notes service", "You work for a podcast network",
                       "You are a support engineer triaging a screen recording", "You are a compliance reviewer"])
    parts = [f"# Task: {title}", "", rng.choice(["## Objective", "## Scenario"]), "",
             f"{role}. Input: {inp}. {rng.choice(['Use ffmpeg, whisper or any CLI tool installed in the container.', 'The tools in the environment are enough; there is no GUI.', 'Work from the command line.', ''])}",
             "", "## Output", "", f"Write {rng.choice(MEDIA_OUT)} with one entry per {rng.choice(['segment', 'slide', 'speaker turn', 'page', 'scene'])}, "
             f"including `start_sec` and `end_sec`.", ""]
    if rng.random() < 0.5:
        parts += ["## Notes", "", "- Timestamps within 1 second are accepted.", "- Do not modify the files in `./assets`."]
    return "\n".join(parts)


def web_lookup(rng: random.Random) -> str:
    text = rng.choice(WEB_FORMS).format(w=rng.choice(WEB_THINGS), site=rng.choice(SITES))
    return maybe_lower(rng, text, 0.2)


GENERATORS["terminal"] = [(one_liner, 0.55), (agent_task, 0.3), (media_spec, 0.15)]
GENERATORS["computer_use"] = [(desktop_task, 0.7), (web_lookup, 0.3)]
GENERATORS["routine"] = [(function_request, 0.55), (narrative_stub, 0.45)]
