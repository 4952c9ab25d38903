"""Turn a task text into the set of feature names the lane classifier scores.

A text becomes a *set* of string features: lower-cased word unigrams, word bigrams (``"a b"``),
word prefixes and suffixes (``"p:conf"``, ``"s:ing"``) and structural markers (``"#fence"``, ``"#diff_hunk"``, ...) that words alone miss: code fences,
diffs, stack traces, shell prompts, paths, URLs, GUI vocabulary, length. Structural names start
with ``#`` and never collide with words (the word pattern cannot produce ``#``).

The same :class:`Featurizer` runs at training time and at prediction time, so the two can never
disagree. It is immutable; its regexes are compiled once when it is built.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Texts longer than this are cut to their head and tail before featurizing.
HEAD_CHARS = 600
TAIL_CHARS = 150
#: Longer words also give their first ``PREFIX`` and last ``SUFFIX`` characters as features
#: (``"p:conf"``, ``"s:ing"``): a cheap stand-in for stemming that carries a lane to word forms
#: no training text used ("configures", "configuring"); worth ~2 points of leave-one-source-out
#: model accuracy.
PREFIX = 4
SUFFIX = 3

#: Human-readable descriptions of the structural features, for ``TextPrediction.signals``.
STRUCTURAL: Mapping[str, str] = MappingProxyType(
    {
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
        "#repl": "interactive session (>>> or In [n]: at line start)",
        "#inline_code": "inline code span",
        "#code_block": "indented code",
        "#gui": "GUI vocabulary",
        "#gui_many": "much GUI vocabulary",
        "#review": "review vocabulary",
        "#question": "question",
        "#imperative_start": "starts with an imperative",
        "#issue_headers": "issue-style sections",
        "#exit_code": "exit code / status",
        "#version": "version number",
        "#bounds": "contest-style bounds (1 ≤ n ≤ 10^5)",
        "#many_lines": "many lines",
    }
)

_SHELL_COMMANDS = (
    "git|docker|kubectl|helm|npm|npx|yarn|pnpm|pip|pip3|python|python3|make|cmake|cargo|go|"
    "systemctl|journalctl|ssh|scp|rsync|apt|apt-get|yum|dnf|brew|curl|wget|grep|rg|sed|awk|find|"
    "ls|cd|cat|tail|head|chmod|chown|mkdir|rm|mv|cp|tar|unzip|ps|kill|top|df|du|mount|ffmpeg|"
    "terraform|ansible|aws|gcloud|az|sudo|export|source|echo|bash|sh|zsh|node|java|mvn|gradle|"
    "pytest|tox|poetry|uv|conda|psql|mysql|redis-cli|nginx|crontab|iptables|ufw|lsof|netstat|ss|"
    "dig|ping|openssl|gpg|xargs|sort|uniq|wc|cut|tr|jq|tmux|screen|vim|nano|gcc|clang|ldd|strace"
)

_SHELL_COMMAND_SET = frozenset(_SHELL_COMMANDS.split("|"))

_GUI_WORDS = frozenset(
    (
        "click",
        "clicks",
        "clicking",
        "clicked",
        "tap",
        "button",
        "buttons",
        "menu",
        "menus",
        "dropdown",
        "toolbar",
        "sidebar",
        "desktop",
        "screen",
        "screenshot",
        "drag",
        "scroll",
        "dialog",
        "checkbox",
        "icon",
        "icons",
        "browser",
        "chrome",
        "firefox",
        "gimp",
        "libreoffice",
        "thunderbird",
        "vlc",
        "preferences",
        "bookmark",
        "bookmarks",
        "slide",
        "slides",
        "spreadsheet",
        "wallpaper",
        "taskbar",
        "website",
        "webpage",
        "cart",
        "window",
        "cell",
        "cells",
        "font",
        "bold",
        "italic",
        "highlight",
        "presentation",
        "inbox",
        "homepage",
    )
)
_REVIEW_WORDS = frozenset(
    (
        "review",
        "reviewing",
        "reviewer",
        "pr",
        "lgtm",
        "nit",
        "nitpick",
        "approve",
        "diff",
        "patch",
        "changeset",
        "feedback",
        "suggestion",
    )
)
#: Exit-status phrases, looked for in the lower-cased text (a substring scan, no regex).
_EXIT_PHRASES = ("exit code", "exit status", "exited with", "returned non-zero")
#: Words looked at for the GUI / review counts (the task is stated early).
_HEAD_WORDS = 300

#: ``str.translate`` table: every ASCII character the word pattern ``[a-z0-9_]+`` does not match
#: becomes a space (used on lower-cased ASCII text only).
_NON_WORD = {i: " " for i in range(128) if not (chr(i).isdigit() or "a" <= chr(i) <= "z" or chr(i) == "_")}

#: Function words: alone they say more about a data set's house style than about the task.
_STOPWORD_TEXT = (
    "a an the and or but if of to in on at by for with from into onto as is are was were be been "
    "being am it its this that these those i me my we our you your he she they them their his her "
    "do does did done so than then there here what which who whom how when where why can could "
    "would should will shall may might must not no yes all any some each every both only also just "
    "very too up down out over under about after before again further once s t don "
    # politeness and framing: every lane is asked for politely
    "please pls plz thanks thank thx ty help hey hi hello ok okay so want need like get "
    "let know kindly quick quickly"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class Featurizer:
    """Text -> set of feature names. Build once, call many times; thread-safe (immutable)."""

    head_chars: int = HEAD_CHARS
    tail_chars: int = TAIL_CHARS
    _word: re.Pattern[str] = field(init=False, repr=False)
    _checks: tuple[tuple[str, str, str, re.Pattern[str]], ...] = field(init=False, repr=False)
    _head_checks: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False)
    _issue_headers: re.Pattern[str] = field(init=False, repr=False)
    _line_start: re.Pattern[str] = field(init=False, repr=False)
    _diff_add: re.Pattern[str] = field(init=False, repr=False)
    _diff_del: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # (name, substrings one of which must occur (a cheap C scan), pattern). Patterns start
        # with a literal so that the regex engine can jump to candidates; line-anchored ones
        # start with "\n" and run over "\n" + text.
        checks: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
            ("#fence", ("```", "~~~"), re.compile(r"\n[ \t]*(```|~~~)")),
            ("#diff_hunk", ("@@ -",), re.compile(r"\n@@ -\d+(,\d+)? \+\d+(,\d+)? @@")),
            (
                "#diff_git",
                ("diff --git", "--- a/", "+++ b/", "index "),
                re.compile(r"\n(diff --git |--- a/|\+\+\+ b/|index [0-9a-f]{6,}\.\.)"),
            ),
            ("#traceback", ("Traceback (most recent call last)",), re.compile(r"Traceback")),
            ("#traceback", ('File "',), re.compile(r'File "[^"\n]+", line \d')),
            # "at " after a line's indentation: a Java or JS stack frame (one pattern, and a
            # guard that prose "look at the" does not pass)
            (
                "#traceback",
                ("\n at ", "  at ", "\tat "),
                re.compile(r"\n[ \t]+at (?:[\w.$<>]+\(|[^\n]*:\d+:\d+\)?\n)"),
            ),
            ("#traceback", ("panicked at", "goroutine ", "Exception in thread"), re.compile(r"")),
            (
                "#error_line",
                ("rror", "ERROR", "fatal", "FATAL", "FAILED", "ERR!"),
                re.compile(r"(?:Error|error|ERROR|fatal|FATAL|FAILED|ERR!)[:\[ ]"),
            ),
            (
                "#shell_prompt",
                ("$ ", "@", "PS "),
                re.compile(r"\n[ \t]*(\$|PS [A-Z]:\\[^>\n]*>|[\w.-]+@[\w.-]+:\S*[$#]) \S"),
            ),
            ("#pipe", (" | ",), re.compile(r" \| ")),
            ("#pipe", ("|",), re.compile(r"\|[ \t]*(grep|xargs|sort|awk|sed|head|tail|wc)\b")),
            ("#flag", (" -",), re.compile(r" --?[a-zA-Z]")),
            ("#abs_path", ("/",), re.compile(r"/[\w.@-]+/[\w.@-]")),
            ("#home_path", ("~/",), re.compile(r"~/[\w.-]")),
            ("#home_path", ("$HOME",), re.compile(r"\$HOME\b")),
            ("#win_path", (":\\",), re.compile(r":\\\w")),
            (
                "#src_file",
                (".",),
                re.compile(
                    r"\.(?:py|js|ts|tsx|jsx|go|rs|java|kt|c|cc|cpp|h|hpp|rb|php|cs|"
                    r"swift|scala|sh|yaml|yml|toml|ini|cfg|lock|gradle|tf|sql|proto)\b"
                ),
            ),
            (
                "#doc_file",
                (".",),
                re.compile(
                    r"\.(?:docx?|xlsx?|pptx?|odt|ods|odp|pdf|csv|png|jpe?g|gif|svg|mp4|"
                    r"mp3|wav|mkv|txt|html?|DOCX?|XLSX?|PPTX?|PDF|CSV|PNG|JPE?G)\b"
                ),
            ),
            ("#url", ("http://", "https://", "www."), re.compile(r"")),
            ("#py_def", ("def ", "class "), re.compile(r"\n[ \t]*(def|class) \w+[(:]")),
            ("#doctest", (">>> ",), re.compile(r"\n[ \t]*>>> ")),
            # a pasted interactive session (not an indented docstring example): how issue
            # reports show a library's wrong output
            ("#repl", (">>> ",), re.compile(r"\n>>> \S")),
            ("#repl", ("In [",), re.compile(r"\nIn \[\d+\]: ")),
            ("#inline_code", ("`",), re.compile(r"`[^`\n]{2,60}`")),
            ("#version", (".",), re.compile(r"\.\d+\.\d")),
            # programming-contest constraints: chained bounds ("1 ≤ n ≤ 2·10^5", "0 <= a[i] <= 10^9",
            # "$1 \le n \le 10^5$") or a power of ten; rare outside self-contained problems
            (
                "#bounds",
                ("≤", "<=", "\\le"),
                re.compile(r"(?:≤|<=|\\leq?)[ \t]*[^\s≤<]{1,20}[ \t]*(?:≤|<=|\\leq?)"),
            ),
            ("#bounds", ("10^", "10 ^", "10**"), re.compile(r"10 ?(?:\^|\*\*) ?\{?\d")),
            ("#bounds", ("10⁴", "10⁵", "10⁶", "10⁹", "10¹"), re.compile(r"")),
        )
        head_checks: tuple[tuple[str, re.Pattern[str]], ...] = (
            (
                "#question",
                re.compile(r"^\s*(how|what|why|when|which|who|where|is|are|can|does|do)\b[^\n]*\?", re.I),
            ),
            (
                "#imperative_start",
                re.compile(
                    r"^\s*(write|create|make|find|open|run|fix|add|implement|build|deploy|install|"
                    r"set|change|go|click|review|check|list|show|delete|remove|update|debug)\b",
                    re.I,
                ),
            ),
        )
        flat = tuple(
            (name, rarest_char(needle), needle, pattern)
            for name, needles, pattern in checks
            for needle in needles
        )
        object.__setattr__(self, "_checks", flat)
        object.__setattr__(self, "_head_checks", head_checks)
        object.__setattr__(
            self,
            "_issue_headers",
            re.compile(
                r"\n#*[ \t]*\**(steps to reproduce|expected (behaviou?r|result)|actual (behaviou?r|"
                r"result)|description|environment|reproduction|to reproduce)\b"
            ),
        )
        object.__setattr__(self, "_word", re.compile(r"[a-z0-9_]+"))
        object.__setattr__(self, "_line_start", re.compile(r"\n[ \t]*(?:\$ )?(?:sudo )?([a-z][\w.-]*) \S"))
        object.__setattr__(self, "_diff_add", re.compile(r"\n\+(?!\+\+ )"))
        object.__setattr__(self, "_diff_del", re.compile(r"\n-(?!-- )"))

    def clip(self, text: str) -> str:
        """Head and tail of a long text (the task is usually stated at the start)."""
        if len(text) <= self.head_chars + self.tail_chars:
            return text
        return text[: self.head_chars] + "\n" + text[-self.tail_chars :]

    @staticmethod
    def informative(name: str) -> bool:
        """Whether a feature may enter a vocabulary: not a function word, not a bigram of two."""
        first, _, second = name.partition(" ")
        if not second:
            return first not in STOPWORDS
        return first not in STOPWORDS or second not in STOPWORDS

    def features(self, text: str) -> set[str]:
        """Every feature name present in ``text``: words, bigrams and structure."""
        lexical, structural = self.split(text)
        return lexical | structural

    def split(self, text: str) -> tuple[set[str], set[str]]:
        """``(lexical, structural)`` feature names of ``text`` (both empty for blank text).

        The classifier scales the two differently: lexical features share a unit norm, so a
        long text does not shout; structural ones keep a fixed weight, so a diff is a diff.
        """
        words, structural = self.analyse(text)
        return lexical_features(words), structural

    def analyse(self, text: str) -> tuple[list[str], set[str]]:
        """``(words, structural)``: the lower-cased words of the clipped text, in order, and its
        structural feature names (both empty for blank text). :func:`lexical_features` turns
        the words into the lexical feature names; the classifier looks them up without
        building those strings.
        """
        text = self.clip(text)
        if not text.strip():
            return [], set()
        lower = text.lower()
        # ASCII text (nearly all of it): translate + split is the same tokenisation as the
        # regex at half the cost; the regex keeps the exact behaviour on anything else
        words = lower.translate(_NON_WORD).split() if lower.isascii() else self._word.findall(lower)
        feats: set[str] = set()
        if "sudo" in words:
            feats.add("#sudo")
        if ("exit" in lower or "non-zero" in lower) and any(phrase in lower for phrase in _EXIT_PHRASES):
            feats.add("#exit_code")
        lined = "\n" + text
        # (name, char, needle, pattern): a one-character scan (memchr, ~25 ns over 750 characters)
        # for the needle's rarest character, then the needle (a multi-character scan that misses
        # costs ~400 ns), then the regex; most texts stop at the first
        feats.update(
            [
                name
                for name, char, needle, pattern in self._checks
                if char in text and needle in text and pattern.search(lined)
            ]
        )
        head = text[:400]
        for name, pattern in self._head_checks:
            if pattern.search(head):
                feats.add(name)
        if (
            "reproduc" in lower or "expected" in lower or "description" in lower or "environment" in lower
        ) and self._issue_headers.search("\n" + lower):
            feats.add("#issue_headers")
        n_gui = len(_GUI_WORDS.intersection(words[:_HEAD_WORDS]))
        if n_gui:
            feats.add("#gui")
            if n_gui >= 3:
                feats.add("#gui_many")
        if not _REVIEW_WORDS.isdisjoint(words[:100]):
            feats.add("#review")
        if "\n+" in lined or "\n-" in lined:
            added = len(self._diff_add.findall(lined))
            deleted = len(self._diff_del.findall(lined))
            hunk = "#diff_hunk" in feats or "#diff_git" in feats
            if (hunk and added + deleted >= 2) or (added and deleted and added + deleted >= 3):
                feats.add("#diff_lines")
        commands = _SHELL_COMMAND_SET
        if any(m.group(1) in commands for m in self._line_start.finditer(lined)):
            feats.add("#shell_cmd_line")
        if lined.count("\n    ") + lined.count("\n\t") >= 3:
            feats.add("#code_block")
        if text.count("\n") >= 15:
            feats.add("#many_lines")
        return words, feats


#: Characters from most to least frequent in task texts (English prose, code, logs); any
#: character not listed is rarer than all of them.
_FREQUENT = " etaoinsrhldcu\nmfpgwybv.,-/kxjq'z()=:_\"0123456789"


def rarest_char(needle: str) -> str:
    """The character of ``needle`` least likely to occur in a text (a cheap pre-check)."""
    rank = {c: (_FREQUENT.index(c) if c in _FREQUENT else len(_FREQUENT)) for c in needle}
    return max(needle, key=rank.__getitem__)


def lexical_features(words: list[str]) -> set[str]:
    """Lexical feature names of a text's words: unigrams, bigrams ``"a b"``, ``"p:"`` prefixes
    and ``"s:"`` suffixes of the longer words."""
    unique = set(words)
    lexical: set[str] = set(unique)
    lexical.update(map(" ".join, itertools.pairwise(words)))
    longer = affixed(unique)
    lexical.update(["p:" + w[:PREFIX] for w in longer])
    lexical.update(["s:" + w[-SUFFIX:] for w in longer])
    return lexical


def affixed(unique: set[str]) -> list[str]:
    """The words that also give prefix and suffix features."""
    return [w for w in unique if len(w) > PREFIX and not w[0].isdigit()]
