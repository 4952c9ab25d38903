"""A failing store loses no row: retries with backoff, backpressure, spill at close, import back.

The failures are real SQLite errors, made with triggers on the ledger table: one calling a function
that does not exist (``OperationalError``, what a locked or unwritable database raises: transient)
and one that aborts every insert (``IntegrityError``: the store rejects the rows, permanent).
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from laneway.ledger.base import LedgerRow
from laneway.ledger.spill import read_spill
from laneway.ledger.sqlite import SQLiteLedger
from laneway.ledger.writer import WriterOptions

DOWN = "CREATE TRIGGER down BEFORE INSERT ON ledger BEGIN SELECT laneway_store_is_down(); END"
REJECT = "CREATE TRIGGER reject BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'rejected'); END"


def sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(statement)
    finally:
        conn.close()


def ledger_at(path: Path, **options: Any) -> SQLiteLedger:
    opts = WriterOptions(**{"retry_max_s": 0.05, "close_timeout_s": 0.3, **options})
    return SQLiteLedger(path, batch_size=4, flush_interval_s=0.01, options=opts)


async def test_rows_wait_out_a_failing_store_and_all_land_once_it_is_back(
    tmp_path: Path, make_row: Callable[..., LedgerRow]
) -> None:
    db = tmp_path / "l.db"
    ledger = ledger_at(db)
    await ledger.start()
    sql(db, DOWN)
    for i in range(10):
        ledger.write(make_row(i))
    while ledger.writer.failing is None:  # the writer has met the failure and keeps the batch
        await asyncio.sleep(0.01)
    assert "no such function" in ledger.writer.failing
    assert ledger.writer.backlog == 10 and ledger.rows_written == 0
    sql(db, "DROP TRIGGER down")
    await ledger.flush()
    assert ledger.writer.failing is None and ledger.writer.backlog == 0
    assert [r.request_id for r in await ledger.rows()] == [f"req-{i}" for i in range(10)]
    await ledger.close()
    assert not ledger.writer.spill_path.exists()


async def test_rows_still_unwritten_at_close_go_to_the_spill_file_and_import_back(
    tmp_path: Path, make_row: Callable[..., LedgerRow]
) -> None:
    db = tmp_path / "l.db"
    ledger = ledger_at(db)
    await ledger.start()
    ledger.write(make_row(0))
    await ledger.flush()
    sql(db, DOWN)
    for i in range(1, 8):
        ledger.write(make_row(i))
    await ledger.close()  # gives up after close_timeout_s
    spill = tmp_path / "l.db.unwritten.jsonl"
    assert ledger.writer.spill_path == spill
    read = read_spill(spill)
    assert [r.request_id for r in read.rows] == [f"req-{i}" for i in range(1, 8)]
    assert read.rows[3] == make_row(4) and not read.bad

    sql(db, "DROP TRIGGER down")
    with spill.open("a") as out:
        out.write("{not json\n")
        out.write(json.dumps({"request_id": "x"}) + "\n")  # not a whole row
    config = tmp_path / "laneway.yaml"
    config.write_text(json.dumps({"ledger": {"path": str(db)}}))
    cmd = [sys.executable, "-m", "laneway", "ledger", "import", str(spill), "--config", str(config)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1, done.stderr  # bad lines are reported: not a silent success
    assert "imported 7 rows (0 already in the ledger, 2 bad lines skipped)" in done.stdout
    assert f"{spill}:8: not a ledger row" in done.stderr and f"{spill}:9: not a ledger row" in done.stderr
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert "imported 0 rows (7 already in the ledger" in again.stdout  # importing twice adds nothing
    reopened = SQLiteLedger(db)
    await reopened.start()
    assert [r.request_id for r in await reopened.rows()] == [f"req-{i}" for i in range(8)]
    await reopened.close()


async def test_rows_the_store_rejects_are_spilled_at_once_and_the_rest_go_on(
    tmp_path: Path, make_row: Callable[..., LedgerRow]
) -> None:
    db = tmp_path / "l.db"
    ledger = ledger_at(db)
    await ledger.start()
    sql(db, REJECT)
    for i in range(3):
        ledger.write(make_row(i))
    await ledger.flush()  # returns: a rejected batch is not retried forever
    assert ledger.writer.rows_spilled == 3 and ledger.writer.backlog == 0
    sql(db, "DROP TRIGGER reject")
    ledger.write(make_row(3))
    await ledger.flush()
    assert [r.request_id for r in await ledger.rows()] == ["req-3"]
    await ledger.close()
    assert [r.request_id for r in read_spill(tmp_path / "l.db.unwritten.jsonl").rows] == [
        "req-0",
        "req-1",
        "req-2",
    ]
