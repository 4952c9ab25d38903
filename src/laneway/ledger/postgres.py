"""The PostgreSQL :class:`SpendLedger` (asyncpg): one table shared by every replica.

Rows are queued and batched by a :class:`~laneway.ledger.writer.BatchWriter` (one per process:
retries while PostgreSQL is unreachable, spills what it cannot write at close); each batch goes in
with one ``COPY`` (``copy_records_to_table``). ``flush()`` returns once every row written before it
is committed; ``close()`` flushes first. The table is indexed by ``(key_id, ts)`` (per-key spend
over a window, e.g. to reseed a budget) and ``ts``, from the start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from laneway.keys.postgres import close_pool, import_asyncpg, quote_identifier
from laneway.ledger.base import LedgerClosedError, LedgerRow
from laneway.ledger.writer import BatchedLedger, BatchWriter, WriterOptions, spill_path_for

_FIELDS = tuple(f.name for f in dataclasses.fields(LedgerRow))
_PG_TYPES = {"str": "TEXT", "float": "DOUBLE PRECISION", "int": "BIGINT", "bool": "BOOLEAN"}


def _column(field: dataclasses.Field[Any]) -> str:
    kind = str(field.type)
    base = kind.replace(" | None", "")
    return f"{field.name} {_PG_TYPES[base]}{'' if 'None' in kind else ' NOT NULL'}"


_COLUMNS = ", ".join(_column(f) for f in dataclasses.fields(LedgerRow))


class PostgresLedger(BatchedLedger):
    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        table: str = "laneway_ledger",
        batch_size: int = 512,
        flush_interval_s: float = 0.2,
        pool_size: int = 2,
        options: WriterOptions | None = None,
    ) -> None:
        self.dsn = dsn
        self.schema = schema
        self.table = table
        self._qualified = (
            f"{quote_identifier(schema, 'ledger.schema')}.{quote_identifier(table, 'ledger.table')}"
        )
        self._pool_size = pool_size
        self._pool: Any = None  # asyncpg.Pool (asyncpg ships no types)
        asyncpg = import_asyncpg()
        opts = options or WriterOptions()
        self.writer = BatchWriter(
            self._commit, store=f"PostgreSQL {self._qualified}",
            spill_path=spill_path_for(None, opts.spill_path),
            batch_size=batch_size, flush_interval_s=flush_interval_s,
            # a row PostgreSQL rejects (a bug) fails on every retry; connection trouble is transient
            permanent=(asyncpg.DataError, asyncpg.IntegrityConstraintViolationError),
            retry_max_s=opts.retry_max_s, max_backlog=opts.max_backlog, close_timeout_s=opts.close_timeout_s,
        )  # fmt: skip

    # --- lifecycle ---------------------------------------------------------------------------
    async def _open_store(self) -> None:
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

    async def close(self) -> None:
        await self.writer.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await close_pool(pool)

    async def _commit(self, batch: list[LedgerRow]) -> None:
        records = [tuple(getattr(row, name) for name in _FIELDS) for row in batch]
        async with self._pool.acquire() as conn:
            await conn.copy_records_to_table(
                self.table, schema_name=self.schema, columns=list(_FIELDS), records=records
            )

    # --- reading -----------------------------------------------------------------------------
    async def rows(self, *, limit: int | None = None) -> Sequence[LedgerRow]:
        """Rows in write order (everything written before the call); with ``limit``, the newest."""
        if self.writer.started and not self.writer.closed:
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
