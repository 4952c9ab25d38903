"""The PostgreSQL :class:`SpendLedger` (asyncpg): one table shared by every replica.

``write()`` only appends to an :class:`asyncio.Queue`. One writer task per process takes up to
``batch_size`` rows, waits at most ``flush_interval_s`` for a batch to fill, and sends it with one
``COPY`` (``copy_records_to_table``). ``flush()`` returns once every row written before it is
committed; ``close()`` flushes first. The table is indexed by ``(key_id, ts)`` (per-key spend
over a window, e.g. to reseed a budget) and ``ts``, from the start.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

from laneway.keys.postgres import import_asyncpg, quote_identifier
from laneway.ledger.base import LedgerClosedError, LedgerRow, stop_task

logger = logging.getLogger(__name__)

_FIELDS = tuple(f.name for f in dataclasses.fields(LedgerRow))
_PG_TYPES = {"str": "TEXT", "float": "DOUBLE PRECISION", "int": "BIGINT", "bool": "BOOLEAN"}


def _column(field: dataclasses.Field[Any]) -> str:
    kind = str(field.type)
    base = kind.replace(" | None", "")
    return f"{field.name} {_PG_TYPES[base]}{'' if 'None' in kind else ' NOT NULL'}"


_COLUMNS = ", ".join(_column(f) for f in dataclasses.fields(LedgerRow))
_Item = LedgerRow | asyncio.Future[None]


class PostgresLedger:
    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        table: str = "laneway_ledger",
        batch_size: int = 512,
        flush_interval_s: float = 0.2,
        pool_size: int = 2,
    ) -> None:
        self.dsn = dsn
        self.schema = schema
        self.table = table
        self._qualified = (
            f"{quote_identifier(schema, 'ledger.schema')}.{quote_identifier(table, 'ledger.table')}"
        )
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self._pool_size = pool_size
        self._pool: Any = None  # asyncpg.Pool (asyncpg ships no types)
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._closed = False
        self.rows_written = 0
        self.rows_failed = 0

    # --- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        if self._writer is not None:
            return
        if self._closed:
            raise LedgerClosedError("ledger is closed")
        asyncpg = import_asyncpg()
        self._pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=self._pool_size)
        async with self._pool.acquire() as conn:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(self.schema)}")
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._qualified} (id BIGSERIAL PRIMARY KEY, {_COLUMNS})"
            )
            index = quote_identifier(f"{self.table}_key_ts", "ledger.table")
            await conn.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {self._qualified} (key_id, ts)")
            index = quote_identifier(f"{self.table}_ts", "ledger.table")
            await conn.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {self._qualified} (ts)")
        self._writer = asyncio.create_task(self._write_loop(), name="laneway-ledger-writer")

    def write(self, row: LedgerRow) -> None:
        """Queue ``row``; never blocks. Raises :class:`LedgerClosedError` after ``close()``."""
        if self._closed:
            raise LedgerClosedError(f"ledger is closed; row {row.request_id} not written")
        self._queue.put_nowait(row)

    async def flush(self) -> None:
        if self._writer is None:
            await self.start()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(done)
        await done

    async def close(self) -> None:
        if self._closed:
            return
        if self._writer is not None:
            await self.flush()
        self._closed = True
        if self._writer is not None:
            await stop_task(self._writer)
            self._writer = None
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    # --- the writer --------------------------------------------------------------------------
    async def _write_loop(self) -> None:
        while True:
            batch: list[LedgerRow] = []
            waiters: list[asyncio.Future[None]] = []
            item = await self._queue.get()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.flush_interval_s
            while True:
                if isinstance(item, LedgerRow):
                    batch.append(item)
                else:
                    waiters.append(item)
                if waiters or len(batch) >= self.batch_size:
                    break
                try:
                    item = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    try:
                        async with asyncio.timeout_at(deadline):
                            item = await self._queue.get()
                    except TimeoutError:
                        break  # the interval passed: commit what we have
            if batch:
                await self._commit(batch)
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def _commit(self, batch: list[LedgerRow]) -> None:
        records = [tuple(getattr(row, name) for name in _FIELDS) for row in batch]
        asyncpg = import_asyncpg()
        for attempt in (1, 2):
            try:
                async with self._pool.acquire() as conn:
                    await conn.copy_records_to_table(
                        self.table, schema_name=self.schema, columns=list(_FIELDS), records=records
                    )
            except (asyncpg.PostgresError, OSError) as exc:
                if attempt == 1:
                    logger.warning("ledger: writing %d rows failed (%s); retrying once", len(batch), exc)
                    continue
                self.rows_failed += len(batch)
                logger.exception("ledger: %d rows could not be written to %s", len(batch), self._qualified)
            else:
                self.rows_written += len(batch)
                return

    # --- reading -----------------------------------------------------------------------------
    async def rows(self, *, limit: int | None = None) -> Sequence[LedgerRow]:
        """Rows in write order (everything written before the call); with ``limit``, the newest."""
        if self._writer is not None:
            await self.flush()
        select = f"SELECT {', '.join(_FIELDS)} FROM {self._qualified}"
        args: tuple[int, ...] = ()
        sql = f"{select} ORDER BY id"
        if limit is not None:
            sql = f"{select} WHERE id IN (SELECT id FROM {self._qualified} ORDER BY id DESC LIMIT $1) ORDER BY id"
            args = (max(0, limit),)
        if self._pool is not None:
            records = await self._pool.fetch(sql, *args)
        else:  # read back after close (e.g. to check nothing was lost)
            conn = await import_asyncpg().connect(self.dsn)
            try:
                records = await conn.fetch(sql, *args)
            finally:
                await conn.close()
        return [LedgerRow(**dict(record)) for record in records]

    async def spent_usd(self, key_id: str, since: float) -> float:
        """A key's settled spend since ``since`` (unix seconds): uses the (key_id, ts) index."""
        if self._pool is None:
            raise LedgerClosedError("ledger is not started")
        value = await self._pool.fetchval(
            f"SELECT COALESCE(SUM(cost_usd), 0) FROM {self._qualified} WHERE key_id = $1 AND ts >= $2",
            key_id,
            since,
        )
        return float(value)
