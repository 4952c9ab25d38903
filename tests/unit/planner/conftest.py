"""Fixtures for the planner tests: one engine (real classifier) and small log writers."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from laneway.engine import Engine

ROLLOUTS = Path(__file__).resolve().parents[2] / "data" / "codex-rollouts" / "sessions"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[[str, Sequence[Any]], Path]:
    def write(name: str, lines: Sequence[Any]) -> Path:
        path = tmp_path / name
        path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
        return path

    return write
