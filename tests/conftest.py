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


class SQLiteStore:
    """A SQLite ledger file whose store can be made to fail for real, from a second connection:
    ``down()`` adds a trigger calling a function that does not exist (``OperationalError``, what a
    locked or unwritable database raises: transient), ``reject()`` one that aborts every insert
    (``IntegrityError``: the store refuses the rows, permanent); ``up()`` removes both."""

    DOWN = "CREATE TRIGGER down BEFORE INSERT ON ledger BEGIN SELECT laneway_store_is_down(); END"
    REJECT = "CREATE TRIGGER reject BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'rejected'); END"

    def __init__(self, path: Path) -> None:
        self.path = path

    def ledger(self, **options: Any) -> Any:
        from laneway.ledger.sqlite import SQLiteLedger
        from laneway.ledger.writer import WriterOptions

        opts = WriterOptions(**{"retry_max_s": 0.05, "close_timeout_s": 0.3, **options})
        return SQLiteLedger(self.path, batch_size=4, flush_interval_s=0.01, options=opts)

    def sql(self, statement: str) -> None:
        import sqlite3

        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute(statement)
        finally:
            conn.close()

    def down(self) -> None:
        self.sql(self.DOWN)

    def reject(self) -> None:
        self.sql(self.REJECT)

    def up(self) -> None:
        self.sql("DROP TRIGGER IF EXISTS down")
        self.sql("DROP TRIGGER IF EXISTS reject")


@pytest.fixture
def sqlite_store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "l.db")
