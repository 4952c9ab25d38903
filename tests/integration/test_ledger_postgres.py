"""The SpendLedger contract (tests/unit/ledger/test_ledger_contract.py) against PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit

import pytest

from laneway.ledger.base import LedgerRow, SpendLedger
from laneway.ledger.postgres import PostgresLedger
from laneway.ledger.writer import WriterOptions

from ..services import load_test_module

pytestmark = pytest.mark.integration


_contract = load_test_module("unit/ledger/test_ledger_contract.py")
_rows = load_test_module("unit/ledger/conftest.py")

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


class TcpProxy:
    """127.0.0.1:<port> -> PostgreSQL; ``stop()`` cuts every connection and refuses new ones."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()
                self._writers.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_rows_written_while_postgres_is_unreachable_land_once_it_is_back(
    postgres_dsn: str, pg_schema: str, make_row: Callable[..., LedgerRow]
) -> None:
    url = urlsplit(postgres_dsn)
    proxy = TcpProxy(url.hostname or "127.0.0.1", url.port or 5432)
    await proxy.start()
    via_proxy = urlunsplit(url._replace(netloc=f"{url.username}@127.0.0.1:{proxy.port}"))
    options = WriterOptions(retry_max_s=0.2, close_timeout_s=5)
    ledger = PostgresLedger(via_proxy, schema=pg_schema, batch_size=8, flush_interval_s=0.02, options=options)
    await ledger.start()
    ledger.write(make_row(0))
    await ledger.flush()
    await proxy.stop()  # the network to PostgreSQL is gone: every connection cut, none accepted
    for i in range(1, 21):
        ledger.write(make_row(i))
    async with asyncio.timeout(30):  # a bound, so a regression fails instead of hanging
        while ledger.writer.failing is None:
            await asyncio.sleep(0.02)
    assert ledger.writer.backlog == 20 and ledger.rows_written == 1
    await proxy.start()  # back on the same port
    await ledger.flush()
    assert ledger.writer.failing is None and ledger.writer.backlog == 0
    await ledger.close()
    await proxy.stop()
    direct = PostgresLedger(postgres_dsn, schema=pg_schema)
    rows = await direct.rows()
    assert [r.request_id for r in rows] == [f"req-{i}" for i in range(21)]
    assert not ledger.writer.spill_path.exists()
