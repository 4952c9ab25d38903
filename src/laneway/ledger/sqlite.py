"""The SQLite :class:`SpendLedger` (the default): WAL mode, one batching writer off the request path.

Rows are queued and batched by a :class:`~laneway.ledger.writer.BatchWriter` (retries while the
file is locked, read-only or the disk is full; spills what it cannot write at close), each batch
committed with one ``executemany`` in a worker thread (``asyncio.to_thread``), so the event loop
never blocks on disk. ``flush()`` returns once every row written before the call is committed;
``close()`` flushes and closes (nothing is lost on a graceful stop). ``synchronous=NORMAL`` in WAL mode: a committed batch
survives a crash of laneway; only an OS crash or power loss can drop the last batches.
"""

from __future__ import annotations

import asyncio
import dataclasses
import operator
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from laneway.ledger.base import LedgerClosedError, LedgerRow
from laneway.ledger.writer import BatchedLedger, BatchWriter, WriterOptions, spill_path_for

_FIELDS = tuple(f.name for f in dataclasses.fields(LedgerRow))
_BOOL_FIELDS = frozenset({"escalated", "stream"})
_SQL_TYPES = {"str": "TEXT", "str | None": "TEXT", "float": "REAL", "int": "INTEGER", "bool": "INTEGER"}
_COLUMNS = ", ".join(
    f"{f.name} {_SQL_TYPES[str(f.type)]}{'' if 'None' in str(f.type) else ' NOT NULL'}"
    for f in dataclasses.fields(LedgerRow)
)
_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, {_COLUMNS})",
    "CREATE INDEX IF NOT EXISTS ledger_ts ON ledger (ts)",
    "CREATE INDEX IF NOT EXISTS ledger_session ON ledger (session)",
)
_INSERT = f"INSERT INTO ledger ({', '.join(_FIELDS)}) VALUES ({', '.join('?' for _ in _FIELDS)})"
_SELECT = f"SELECT {', '.join(_FIELDS)} FROM ledger"


#: One C call reads every column of a row, in ``_FIELDS`` order (a generator of getattr took 3x longer).
_to_params = cast(Callable[[LedgerRow], tuple[Any, ...]], operator.attrgetter(*_FIELDS))


def _from_record(record: Sequence[Any]) -> LedgerRow:
    values: dict[str, Any] = {
        name: bool(value) if name in _BOOL_FIELDS else value
        for name, value in zip(_FIELDS, record, strict=True)
    }
    return LedgerRow(**values)


class SQLiteLedger(BatchedLedger):
    def __init__(
        self,
        path: str | Path,
        *,
        batch_size: int = 256,
        flush_interval_s: float = 0.2,
        options: WriterOptions | None = None,
    ) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._db_lock = asyncio.Lock()  # one statement at a time on the shared connection
        self._reopen = False  # the last commit failed: reconnect before the next one
        opts = options or WriterOptions()
        self.writer = BatchWriter(
            self._commit, store=str(self.path),
            spill_path=spill_path_for(str(self.path), opts.spill_path),
            batch_size=batch_size, flush_interval_s=flush_interval_s,
            # a row SQLite rejects (a bug) fails on every retry; locked, readonly, full: transient
            permanent=(sqlite3.IntegrityError, sqlite3.DataError, sqlite3.ProgrammingError),
            retry_max_s=opts.retry_max_s, max_backlog=opts.max_backlog, close_timeout_s=opts.close_timeout_s,
        )  # fmt: skip

    # --- lifecycle ---------------------------------------------------------------------------

    async def _open_store(self) -> None:
        self._conn = await asyncio.to_thread(self._open)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        for statement in _SCHEMA:
            conn.execute(statement)
        return conn

    async def close(self) -> None:
        await self.writer.close()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            async with self._db_lock:
                await asyncio.to_thread(conn.close)

    async def _commit(self, batch: list[LedgerRow]) -> None:
        params = [_to_params(row) for row in batch]
        async with self._db_lock:
            if self._reopen:  # after a failure, a fresh connection (it re-reads the file's schema)
                old, self._conn = self._conn, None
                if old is not None:
                    await asyncio.to_thread(old.close)
                self._conn = await asyncio.to_thread(self._open)
                self._reopen = False
            try:
                await asyncio.to_thread(self._executemany, params)
            except sqlite3.OperationalError:
                self._reopen = True
                raise

    def _executemany(self, params: list[tuple[Any, ...]]) -> None:
        conn = self._require_conn()
        with conn:  # BEGIN ... COMMIT (ROLLBACK on error)
            conn.execute("BEGIN")
            conn.executemany(_INSERT, params)

    def _require_conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise LedgerClosedError("ledger is not started")
        return self._conn

    # --- reading -----------------------------------------------------------------------------

    async def rows(self, *, limit: int | None = None) -> Sequence[LedgerRow]:
        """Rows in write order (everything written before the call); with ``limit``, the newest."""
        params: tuple[Any, ...] = ()
        if limit is None:
            sql = f"{_SELECT} ORDER BY id"
        else:
            sql = f"{_SELECT} WHERE id IN (SELECT id FROM ledger ORDER BY id DESC LIMIT ?) ORDER BY id"
            params = (max(0, limit),)
        if self.writer.closed:  # read back after close (e.g. to check nothing was lost)
            records = await asyncio.to_thread(self._fetch_once, sql, params)
        else:
            await self.flush()
            async with self._db_lock:
                records = await asyncio.to_thread(self._fetch, sql, params)
        return [_from_record(record) for record in records]

    def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        return list(self._require_conn().execute(sql, params).fetchall())

    def _fetch_once(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if not self.path.exists():
            return []
        conn = sqlite3.connect(self.path)
        try:
            return list(conn.execute(sql, params).fetchall())
        finally:
            conn.close()
