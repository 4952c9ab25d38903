"""A failing store loses no row: retries with backoff, spill at close, import back.

The failures are real SQLite errors (``sqlite_store`` in tests/conftest.py: triggers on the ledger
table that raise ``OperationalError``, transient, or ``IntegrityError``, permanent).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from laneway.ledger.base import LedgerRow
from laneway.ledger.spill import read_spill
from laneway.ledger.sqlite import SQLiteLedger


async def test_rows_wait_out_a_failing_store_and_all_land_once_it_is_back(
    sqlite_store: Any, make_row: Callable[..., LedgerRow]
) -> None:
    ledger = sqlite_store.ledger()
    await ledger.start()
    sqlite_store.down()
    for i in range(10):
        ledger.write(make_row(i))
    async with asyncio.timeout(30):  # a bound, so a regression fails instead of hanging
        while ledger.writer.failing is None:  # the writer has met the failure and keeps the batch
            await asyncio.sleep(0.01)
    assert "no such function" in ledger.writer.failing
    assert ledger.writer.backlog == 10 and ledger.rows_written == 0
    sqlite_store.up()
    await ledger.flush()
    assert ledger.writer.failing is None and ledger.writer.backlog == 0
    assert [r.request_id for r in await ledger.rows()] == [f"req-{i}" for i in range(10)]
    await ledger.close()
    assert not ledger.writer.spill_path.exists()


async def test_rows_still_unwritten_at_close_go_to_the_spill_file_and_import_back(
    sqlite_store: Any, make_row: Callable[..., LedgerRow]
) -> None:
    db = sqlite_store.path
    ledger = sqlite_store.ledger()
    await ledger.start()
    ledger.write(make_row(0))
    await ledger.flush()
    sqlite_store.down()
    for i in range(1, 8):
        ledger.write(make_row(i))
    await ledger.close()  # gives up after close_timeout_s
    spill = sqlite_store.path.with_name("l.db.unwritten.jsonl")
    assert ledger.writer.spill_path == spill
    read = read_spill(spill)
    assert [r.request_id for r in read.rows] == [f"req-{i}" for i in range(1, 8)]
    assert read.rows[3] == make_row(4) and not read.bad

    sqlite_store.up()
    with spill.open("a") as out:
        out.write("{not json\n")
        out.write(json.dumps({"request_id": "x"}) + "\n")  # not a whole row
    config = sqlite_store.path.with_name("laneway.yaml")
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
    sqlite_store: Any, make_row: Callable[..., LedgerRow]
) -> None:
    ledger = sqlite_store.ledger()
    await ledger.start()
    sqlite_store.reject()
    for i in range(3):
        ledger.write(make_row(i))
    await ledger.flush()  # returns: a rejected batch is not retried forever
    assert ledger.writer.rows_spilled == 3 and ledger.writer.backlog == 0
    sqlite_store.up()
    ledger.write(make_row(3))
    await ledger.flush()
    assert [r.request_id for r in await ledger.rows()] == ["req-3"]
    await ledger.close()
    assert [r.request_id for r in read_spill(sqlite_store.path.with_name("l.db.unwritten.jsonl")).rows] == [
        "req-0",
        "req-1",
        "req-2",
    ]
