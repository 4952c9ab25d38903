"""Turn a task text into the set of feature names the lane classifier scores.

A text becomes a *set* of string features: lower-cased word unigrams, word bigrams (``"a b"``)
and structural markers (``"#fence"``, ``"#diff_hunk"``, ...) that words alone miss: code fences,
diffs, stack traces, shell prompts, paths, URLs, GUI vocabulary, length. Structural names start
with ``#`` and never collide with words (the word pattern cannot produce ``#``).

The same :class:`Featurizer` runs at training time and at prediction time, so the two can never
disagree. It is immutable; its regexes are compiled once when it is built.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

#: Texts longer than this are cut to their head and tail before featurizing.
HEAD_CHARS = 3000
TAIL_CHARS = 1000

#: Human-readable descriptions of the structural features, for ``TextPrediction.signals``.
STRUCTURAL: dict[str, str] = {
    "#fence": "code fence",
    "#diff_hunk": "diff hunk header",
    "#diff_git": "git diff header",
    "#diff_lines": "many +/- diff lines",
    "#traceback": "stack trace",
    "#error_line": "error message line",
    "#shell_prompt": "shell prompt",
    "#shell_cmd_line": "line starting with a shell command",
    "#sudo": "sudo",
    "#pipe": "shell pipe",
    "#flag": "command-line flags",
    "#abs_path": "filesystem path",
    "#home_path": "home-relative path",
    "#win_path": "Windows path",
    "#src_file": "source file name",
    "#doc_file": "document/media file name",
    "#url": "URL",
    "#py_def": "Python function definition",
    "#doctest": "doctest example",
    "#code_block": "indented code",
    "#gui": "GUI vocabulary",
    "#gui_many": "much GUI vocabulary",
    "#review": "review vocabulary",
    "#question": "question",
    "#imperative_start": "starts with an imperative",
    "#issue_headers": "issue-style sections",
    "#exit_code": "exit code / status",
    "#version": "version number",
    "#len_xs": "very short text",
    "#len_s": "short text",
    "#len_m": "medium text",
    "#len_l": "long text",
    "#len_xl": "very long text",
    "#one_line": "single line",
    "#many_lines": "many lines",
}

_SHELL_COMMANDS = (
    "git|docker|kubectl|helm|npm|npx|yarn|pnpm|pip|pip3|python|python3|make|cmake|cargo|go|"
    "systemctl|journalctl|ssh|scp|rsync|apt|apt-get|yum|dnf|brew|curl|wget|grep|rg|sed|awk|find|"
    "ls|cd|cat|tail|head|chmod|chown|mkdir|rm|mv|cp|tar|unzip|ps|kill|top|df|du|mount|ffmpeg|"
    "terraform|ansible|aws|gcloud|az|sudo|export|source|echo|bash|sh|zsh|node|java|mvn|gradle|"
    "pytest|tox|poetry|uv|conda|psql|mysql|redis-cli|nginx|crontab|iptables|ufw|lsof|netstat|ss|"
    "dig|ping|openssl|gpg|xargs|sort|uniq|wc|cut|tr|jq|tmux|screen|vim|nano|gcc|clang|ldd|strace"
)

_GUI_WORDS = (
    "click|clicks|clicking|double-click|right-click|tap|button|buttons|menu|menus|dropdown|"
    "drop-down|tab|tabs|window|windows|desktop|screen|screenshot|drag|scroll|toolbar|sidebar|"
    "dialog|checkbox|icon|icons|browser|chrome|firefox|gimp|libreoffice|thunderbird|vlc|"
    "settings|preferences|bookmark|bookmarks|slide|slides|cell|cells|spreadsheet|sheet|"
    "font|highlight|select|wallpaper|taskbar|form|field|website|webpage|page|login|cart"
)

_REVIEW_WORDS = (
    "review|reviewing|reviewer|pr|lgtm|nit|nitpick|approve|diff|patch|changeset|"
    "feedback|merge|suggestion|comments"
)


def _bucket(n_chars: int) -> str:
    if n_chars < 60:
        return "#len_xs"
    if n_chars < 200:
        return "#len_s"
    if n_chars < 800:
        return "#len_m"
    if n_chars < 2500:
        return "#len_l"
    return "#len_xl"


@dataclass(frozen=True, slots=True)
class Featurizer:
    """Text -> set of feature names. Build once, call many times; thread-safe (immutable)."""

    head_chars: int = HEAD_CHARS
    tail_chars: int = TAIL_CHARS
    _word: re.Pattern[str] = field(init=False, repr=False)
    _checks: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False)
    _gui: re.Pattern[str] = field(init=False, repr=False)
    _review: re.Pattern[str] = field(init=False, repr=False)
    _diff_line: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        m = re.MULTILINE
        checks = (
            ("#fence", re.compile(r"^\s*(```|~~~)", m)),
            ("#diff_hunk", re.compile(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@", m)),
            ("#diff_git", re.compile(r"^(diff --git |--- a/|\+\+\+ b/|index [0-9a-f]{6,}\.\.)", m)),
            (
                "#traceback",
                re.compile(
                    r"Traceback \(most recent call last\)|^\s+at [\w.$<>]+\(.*\)$|"
                    r"^\s*File \"[^\"]+\", line \d+|panicked at|^goroutine \d+ |"
                    r"Exception in thread|^\s+at .+:\d+:\d+\)?$",
                    m,
                ),
            ),
            (
                "#error_line",
                re.compile(
                    r"^\s*(\w*Error|error|ERROR|fatal|FATAL|E\d{4}|FAILED|npm ERR!)[:\[ ]", m
                ),
            ),
            ("#shell_prompt", re.compile(r"^\s*(\$|#|>|PS [A-Z]:\\[^>]*>|\S+@\S+:\S*[$#]) \S", m)),
            ("#shell_cmd_line", re.compile(rf"^\s*(\$ )?(sudo )?({_SHELL_COMMANDS}) \S", m)),
            ("#sudo", re.compile(r"\bsudo\b")),
            ("#pipe", re.compile(r"\S \| \S|\|\s*(grep|xargs|sort|awk|sed|head|tail|wc)\b")),
            ("#flag", re.compile(r"(^|\s)--?[a-zA-Z][\w-]*")),
            ("#abs_path", re.compile(r"(^|[\s'\"`(=])/(?:[\w.@-]+/)+[\w.@-]*")),
            ("#home_path", re.compile(r"~/[\w.-]+|\$HOME\b")),
            ("#win_path", re.compile(r"\b[A-Z]:\\\w")),
            (
                "#src_file",
                re.compile(
                    r"\b[\w-]+\.(py|js|ts|tsx|jsx|go|rs|java|kt|c|cc|cpp|h|hpp|rb|php|cs|"
                    r"swift|scala|sh|yaml|yml|toml|ini|cfg|lock|gradle|tf|sql|proto)\b"
                ),
            ),
            (
                "#doc_file",
                re.compile(
                    r"\b[\w-]+\.(docx?|xlsx?|pptx?|odt|ods|odp|pdf|csv|png|jpe?g|gif|svg|mp4|"
                    r"mp3|wav|mkv|txt|html?)\b",
                    re.IGNORECASE,
                ),
            ),
            ("#url", re.compile(r"https?://\S+|\bwww\.\S+")),
            ("#py_def", re.compile(r"^\s*(def|class) \w+[(:]", m)),
            ("#doctest", re.compile(r"^\s*>>> ", m)),
            ("#code_block", re.compile(r"(^(    |\t)\S.*\n){3,}", m)),
            (
                "#question",
                re.compile(r"^\s*(how|what|why|when|which|who|where|is|are|can|does|do)\b.*\?", re.I),
            ),
            (
                "#imperative_start",
                re.compile(
                    r"^\s*(write|create|make|find|open|run|fix|add|implement|build|deploy|install|"
                    r"set|change|go|click|review|check|list|show|delete|remove|update|debug)\b",
                    re.I,
                ),
            ),
            (
                "#issue_headers",
                re.compile(
                    r"^#*\s*(steps to reproduce|expected (behaviou?r|result)|actual (behaviou?r|"
                    r"result)|description|environment|reproduction|to reproduce)\b",
                    re.I | m,
                ),
            ),
            ("#exit_code", re.compile(r"exit (code|status)|exited with|returned non-zero", re.I)),
            ("#version", re.compile(r"\bv?\d+\.\d+\.\d+\b")),
        )
        object.__setattr__(self, "_checks", checks)
        object.__setattr__(self, "_word", re.compile(r"[a-z0-9_]+(?:['.\-][a-z0-9_]+)*"))
        object.__setattr__(self, "_gui", re.compile(rf"\b({_GUI_WORDS})\b", re.I))
        object.__setattr__(self, "_review", re.compile(rf"\b({_REVIEW_WORDS})\b", re.I))
        object.__setattr__(self, "_diff_line", re.compile(r"^[+-](?![+-]{2} )", m))

    def clip(self, text: str) -> str:
        """Head and tail of a long text (the task is usually stated at the start)."""
        if len(text) <= self.head_chars + self.tail_chars:
            return text
        return text[: self.head_chars] + "\n" + text[-self.tail_chars :]

    def features(self, text: str) -> set[str]:
        """The feature names present in ``text`` (empty set for blank text)."""
        text = self.clip(text)
        if not text.strip():
            return set()
        words = self._word.findall(text.lower())
        feats: set[str] = set(words)
        feats.update(map(" ".join, itertools.pairwise(words)))
        for name, pattern in self._checks:
            if pattern.search(text):
                feats.add(name)
        n_gui = len(self._gui.findall(text, 0, 1500))
        if n_gui:
            feats.add("#gui")
            if n_gui >= 3:
                feats.add("#gui_many")
        if self._review.search(text, 0, 600):
            feats.add("#review")
        if len(self._diff_line.findall(text)) >= 3:
            feats.add("#diff_lines")
        feats.add(_bucket(len(text)))
        n_lines = text.count("\n")
        if n_lines == 0:
            feats.add("#one_line")
        elif n_lines >= 15:
            feats.add("#many_lines")
        return feats
