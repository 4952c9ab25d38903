"""Shared fixtures: paths to the shared design data the tests read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "data"


@pytest.fixture(scope="session")
def codex_request() -> dict[str, Any]:
    """The body the real Codex CLI 0.169.0 sent (captured; vendored into tests/data)."""
    body: dict[str, Any] = json.loads((FIXTURES / "codex-cli-0.169.0" / "request.json").read_text())
    return body


@pytest.fixture(scope="session")
def codex_headers() -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in (FIXTURES / "codex-cli-0.169.0" / "headers.txt").read_text().splitlines():
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers
