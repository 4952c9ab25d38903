"""One contract for every SpendLedger backend. Adding a backend is one entry in ``BACKENDS``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from laneway.ledger.base import LedgerClosedError, LedgerRow, SpendLedger
from laneway.ledger.memory import MemoryLedger
from laneway.ledger.sqlite import SQLiteLedger

LedgerFactory = Callable[[Path], SpendLedger]

BACKENDS: dict[str, LedgerFactory] = {
    "memory": lambda tmp: MemoryLedger(),
    "sqlite": lambda tmp: SQLiteLedger(tmp / "ledger.db", batch_size=16, flush_interval_s=0.05),
}


@pytest.fixture(params=sorted(BACKENDS))
def ledger_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], SpendLedger]:
    factory = BACKENDS[request.param]
    return lambda: factory(tmp_path)


@pytest.fixture
async def ledger(ledger_factory: Callable[[], SpendLedger]) -> AsyncIterator[SpendLedger]:
    backend = ledger_factory()
    await backend.start()
    yield backend
    await backend.close()


async def test_rows_read_back_equal_to_what_was_written(
    ledger: SpendLedger, make_row: Callable[..., LedgerRow]
) -> None:
    written = [
        make_row(0),
        make_row(1, key_id=None, session=None, model_requested=None, model_served=None),
        make_row(2, escalated=True, escalation_cause="invalid json", stream=False, status="error"),
        make_row(3, mode="shadow", shadow_lane="routine", shadow_model="gpt-5.4-mini", error="boom"),
    ]
    for row in written:
        ledger.write(row)
    await ledger.flush()
    assert list(await ledger.rows()) == written


async def test_rows_keep_write_order_and_limit_returns_the_newest(
    ledger: SpendLedger, make_row: Callable[..., LedgerRow]
) -> None:
    for i in range(40):
        ledger.write(make_row(i))
    rows = await ledger.rows()
    assert [r.request_id for r in rows] == [f"req-{i}" for i in range(40)]
    newest = await ledger.rows(limit=5)
    assert [r.request_id for r in newest] == [f"req-{i}" for i in range(35, 40)]


async def test_close_keeps_every_row_written_under_concurrent_load(
    ledger_factory: Callable[[], SpendLedger], make_row: Callable[..., LedgerRow]
) -> None:
    ledger = ledger_factory()
    await ledger.start()

    async def request(i: int) -> None:
        await asyncio.sleep(0)
        ledger.write(make_row(i))

    await asyncio.gather(*(request(i) for i in range(1000)))
    await ledger.close()  # no flush first: close alone must drain the queue
    rows = await ledger.rows()
    assert sorted(r.request_id for r in rows) == sorted(f"req-{i}" for i in range(1000))


async def test_write_after_close_fails_loudly(
    ledger_factory: Callable[[], SpendLedger], make_row: Callable[..., LedgerRow]
) -> None:
    ledger = ledger_factory()
    await ledger.start()
    await ledger.close()
    with pytest.raises(LedgerClosedError):
        ledger.write(make_row(0))


async def test_flush_on_an_empty_ledger_returns(ledger: SpendLedger) -> None:
    await ledger.flush()
    assert list(await ledger.rows()) == []
