"""Framing shared by every lane, so that politeness and format carry no lane signal."""

from __future__ import annotations

import random

OPENERS = [
    "", "", "", "", "Hey, ", "Hi! ", "Quick one: ", "ok so ", "Hello, ", "Morning. ",
    "Need help: ", "Task: ", "TODO: ", "Hi team, ", "yo ", "Question: ", "Urgent: ",
    "When you get a chance, ", "FYI ", "Context: ",
]
CLOSERS = [
    "", "", "", "", " Thanks!", " thx", " Thanks in advance.", " Cheers.", " ty",
    " Let me know if you need more info.", " Please be quick, it's blocking me.",
    " Keep it short.", " Explain what you did.", " 🙏", " Much appreciated!",
]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def frame(rng: random.Random, task: str) -> str:
    """Wrap a lower-case imperative task (``"set up nginx"``) in a random request form."""
    task = task.strip().rstrip(".")
    forms = [
        "{T}.", "{T}", "Can you {t}?", "Could you please {t}?", "Please {t}.", "I need you to {t}.",
        "I need to {t}.", "Help me {t}.", "{T}, please.", "{t} pls", "Would you {t}?",
        "Your task: {t}.", "Goal: {t}.", "Can you help me {t}?", "I want to {t}.",
        "{T} — thanks.", "We need to {t}.", "Go ahead and {t}.", "How do I {t}?",
    ]
    form = rng.choice(forms)
    body = form.replace("{T}", cap(task)).replace("{t}", task)
    opener = rng.choice(OPENERS)
    if opener.rstrip().endswith((",", ":")) or opener in ("ok so ", "yo "):
        body = body[:1].lower() + body[1:]
    return cap(opener + body + rng.choice(CLOSERS))


def maybe_lower(rng: random.Random, text: str, p: float = 0.12) -> str:
    return text.lower() if rng.random() < p else text


def fence(rng: random.Random, body: str, lang: str = "") -> str:
    if rng.random() < 0.15:
        return body
    return f"```{lang if rng.random() < 0.7 else ''}\n{body.rstrip()}\n```"
