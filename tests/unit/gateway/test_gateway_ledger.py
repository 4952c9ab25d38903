"""The gateway in front of a failing ledger store: it refuses (503) rather than serve unaccounted."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from laneway.ledger.sqlite import SQLiteLedger
from laneway.ledger.writer import WriterOptions

DOWN = "CREATE TRIGGER down BEFORE INSERT ON ledger BEGIN SELECT laneway_store_is_down(); END"


def sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(statement)
    finally:
        conn.close()


def ledger_at(path: Path, **options: Any) -> SQLiteLedger:
    opts = WriterOptions(**{"retry_max_s": 0.05, "close_timeout_s": 0.3, **options})
    return SQLiteLedger(path, batch_size=4, flush_interval_s=0.01, options=opts)


async def test_a_full_backlog_turns_requests_away_with_503_until_the_store_is_back(
    tmp_path: Path, make_harness: Any
) -> None:
    db = tmp_path / "l.db"
    ledger = ledger_at(db, max_backlog=3, close_timeout_s=5)
    h = await make_harness(ledger=ledger)
    sql(db, DOWN)
    for _ in range(3):
        assert (await h.chat(model="laneway/routine")).status_code == 200
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "ledger_unavailable"
    assert (await h.client.get("/ready")).status_code == 503
    assert len(h.mini.requests) == 3, "a refused request never reaches the upstream"
    sql(db, "DROP TRIGGER down")
    await ledger.flush()
    assert (await h.client.get("/ready")).status_code == 200
    assert (await h.chat(model="laneway/routine")).status_code == 200
    rows = await ledger.rows()  # three served while it failed, one after: none lost
    assert [r.http_status for r in rows] == [200, 200, 200, 200]  # the refused one adds no row
