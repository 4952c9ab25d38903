"""The SpendLedger contract (tests/unit/ledger/test_ledger_contract.py) against PostgreSQL."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import ModuleType

import pytest

from laneway.ledger.base import LedgerRow, SpendLedger
from laneway.ledger.postgres import PostgresLedger

pytestmark = pytest.mark.integration
UNIT_LEDGER = Path(__file__).resolve().parents[1] / "unit" / "ledger"


def _load(file: str, name: str) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, UNIT_LEDGER / file)
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


_contract = _load("test_ledger_contract.py", "laneway_tests_ledger_contract")
_rows = _load("conftest.py", "laneway_tests_ledger_conftest")

# The contract's tests, collected here with this module's fixtures (a PostgreSQL backend).
for _name in dir(_contract):
    if _name.startswith("test_"):
        globals()[_name] = getattr(_contract, _name)


@pytest.fixture
def make_row() -> Callable[..., LedgerRow]:
    return _rows._make_row  # type: ignore[no-any-return]


@pytest.fixture
def ledger_factory(postgres_dsn: str, pg_schema: str) -> Callable[[], SpendLedger]:
    return lambda: PostgresLedger(postgres_dsn, schema=pg_schema, batch_size=16, flush_interval_s=0.05)


@pytest.fixture
async def ledger(ledger_factory: Callable[[], SpendLedger]) -> AsyncIterator[SpendLedger]:
    backend = ledger_factory()
    await backend.start()
    yield backend
    await backend.close()


async def test_spend_by_key_over_a_window(
    postgres_dsn: str, pg_schema: str, make_row: Callable[..., LedgerRow]
) -> None:
    ledger = PostgresLedger(postgres_dsn, schema=pg_schema)
    await ledger.start()
    for i in range(10):
        ledger.write(make_row(i, key_id="key_a" if i % 2 else "key_b", cost_usd=0.5))
    await ledger.flush()
    assert await ledger.spent_usd("key_a", since=1_700_000_000.0 + 5) == pytest.approx(1.5)  # rows 5,7,9
    await ledger.close()
