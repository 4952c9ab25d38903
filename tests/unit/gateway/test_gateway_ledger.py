"""The gateway in front of a failing ledger store: it refuses (503) rather than serve unaccounted."""

from __future__ import annotations

from typing import Any


async def test_a_full_backlog_turns_requests_away_with_503_until_the_store_is_back(
    sqlite_store: Any, make_harness: Any
) -> None:
    ledger = sqlite_store.ledger(max_backlog=3, close_timeout_s=5)
    h = await make_harness(ledger=ledger)
    sqlite_store.down()
    for _ in range(3):
        assert (await h.chat(model="laneway/routine")).status_code == 200
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "ledger_unavailable"
    assert (await h.client.get("/ready")).status_code == 503
    assert len(h.mini.requests) == 3, "a refused request never reaches the upstream"
    sqlite_store.up()
    await ledger.flush()
    assert (await h.client.get("/ready")).status_code == 200
    assert (await h.chat(model="laneway/routine")).status_code == 200
    rows = await ledger.rows()  # three served while it failed, one after: none lost
    assert [r.http_status for r in rows] == [200, 200, 200, 200]  # the refused one adds no row
