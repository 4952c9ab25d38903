"""Generate the laneway-authored lane training set: ``python data/authored/generate.py``.

Hand-written fragments (tasks, errors, logs, diffs, issue bodies, GUI targets) are combined by
templates into realistic task texts, phrased the many ways people ask an agent or an API: terse
or chatty, with or without code fences, shell sessions, stack traces, paths and diffs. The same
politeness/framing wrappers are used for every lane so that they carry no lane signal.

Writes ``data/authored/<lane>.jsonl`` with ``{"text", "lane", "source": "laneway-authored", "id"}``.
Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from fragments import code_review, computer_use, deep_coding, routine, styles, tasks, terminal, voices

PER_LANE = {
    "terminal": 1100,
    "deep_coding": 850,
    "code_review": 550,
    "routine": 1050,
    "computer_use": 850,
}
#: Extra texts per lane in real users' styles (fragments/styles.py), after the base ones.
STYLE_EXTRA = {
    "terminal": 700,
    "deep_coding": 250,
    "code_review": 400,
    "routine": 300,
    "computer_use": 750,
}
#: Extra texts per lane whose *style* says nothing about the lane (fragments/voices.py): chatty,
#: first-person requests for terminal, coding, review and routine work; terse or third-person
#: desktop chores.
VOICES_EXTRA = {
    "terminal": 600,
    "deep_coding": 500,
    "code_review": 400,
    "routine": 450,
    "computer_use": 700,
}
#: Extra texts per lane where leave-one-source-out still errs (fragments/tasks.py): long agent task
#: files, terse file chores that say "folder"/"Desktop", media jobs in a shell, chores that need a
#: GUI app, review requests as people write them, puzzles and short questions.
TASKS_EXTRA = {
    "terminal": 2100,
    "deep_coding": 750,
    "code_review": 400,
    "routine": 500,
    "computer_use": 1000,
}
#: The extra families, in the order they are appended: (seed tag, fragment module, texts per lane).
EXTRA_FAMILIES = (
    ("styles", styles, STYLE_EXTRA),
    ("voices", voices, VOICES_EXTRA),
    ("tasks", tasks, TASKS_EXTRA),
)
GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "terminal": terminal.generate,
    "deep_coding": deep_coding.generate,
    "code_review": code_review.generate,
    "routine": routine.generate,
    "computer_use": computer_use.generate,
}


def _fill(
    rows: list[dict[str, str]],
    seen: set[str],
    lane: str,
    target: int,
    make: Callable[[random.Random], str],
    rng: random.Random,
) -> None:
    """Append new, distinct texts from ``make`` until ``rows`` holds ``target`` (or 30x tries)."""
    attempts = 0
    while len(rows) < target and attempts < target * 30:
        attempts += 1
        text = make(rng).strip()
        if text in seen or not text:
            continue
        seen.add(text)
        rows.append(
            {
                "text": text,
                "lane": lane,
                "source": "laneway-authored",
                "id": f"authored:{lane}:{len(rows):04d}",
            }
        )


def main(seed: int = 7) -> None:
    out = Path(__file__).parent
    for lane, n in PER_LANE.items():
        seen: set[str] = set()
        rows: list[dict[str, str]] = []
        _fill(rows, seen, lane, n, GENERATORS[lane], random.Random(f"{seed}:{lane}"))
        # each extra family draws from its own seed stream: adding one leaves the others as they were
        for tag, module, extra in EXTRA_FAMILIES:
            rng = random.Random(f"{seed}:{lane}:{tag}")
            _fill(rows, seen, lane, len(rows) + extra.get(lane, 0), partial(module.generate, lane), rng)
        with (out / f"{lane}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{lane}: {len(rows)} texts", file=sys.stderr)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
