"""SQLite specifics: WAL mode, indexes, durability across reopen, parameterised SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from laneway.ledger.base import LedgerRow
from laneway.ledger.sqlite import SQLiteLedger


async def test_database_is_in_wal_mode_with_ts_and_session_indexes(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    await ledger.start()
    await ledger.close()
    conn = sqlite3.connect(tmp_path / "l.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexed = {row[4] for row in conn.execute("SELECT * FROM sqlite_master WHERE type='index'")}
        assert any("(ts)" in sql for sql in indexed if sql)
        assert any("(session)" in sql for sql in indexed if sql)
    finally:
        conn.close()


async def test_rows_survive_reopening_the_file(tmp_path: Path, make_row: Callable[..., LedgerRow]) -> None:
    first = SQLiteLedger(tmp_path / "l.db")
    await first.start()
    for i in range(10):
        first.write(make_row(i))
    await first.close()
    second = SQLiteLedger(tmp_path / "l.db")
    await second.start()
    second.write(make_row(10))
    rows = await second.rows()
    await second.close()
    assert [r.request_id for r in rows] == [f"req-{i}" for i in range(11)]


async def test_hostile_strings_are_stored_verbatim(
    tmp_path: Path, make_row: Callable[..., LedgerRow]
) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    await ledger.start()
    evil = "x'); DROP TABLE ledger; --"
    ledger.write(make_row(0, session=evil, reasons=evil, error=evil))
    rows = await ledger.rows()
    await ledger.close()
    assert rows[0].session == evil and rows[0].reasons == evil


async def test_batches_larger_than_batch_size_are_all_committed(
    tmp_path: Path, make_row: Callable[..., LedgerRow]
) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db", batch_size=8, flush_interval_s=10.0)
    await ledger.start()
    for i in range(100):
        ledger.write(make_row(i))
    await ledger.flush()  # must not wait for the 10 s interval
    assert ledger.rows_written == 100
    await ledger.close()
