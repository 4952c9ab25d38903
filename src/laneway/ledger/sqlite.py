"""The SQLite :class:`SpendLedger` (the default): WAL mode, one batching writer off the request path.

``write()`` only appends to an :class:`asyncio.Queue`. One writer task takes what is queued (up to
``batch_size`` rows), waits at most ``flush_interval_s`` for a batch to fill, and commits it with one
``executemany`` in a worker thread (``asyncio.to_thread``), so the event loop never blocks on disk.
``flush()`` returns once every row written before the call is committed; ``close()`` flushes and
closes (nothing is lost on a graceful stop). ``synchronous=NORMAL`` in WAL mode: a committed batch
survives a crash of laneway; only an OS crash or power loss can drop the last batches.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import operator
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from laneway.ledger.base import LedgerClosedError, LedgerRow, stop_task

logger = logging.getLogger(__name__)

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


class SQLiteLedger:
    def __init__(self, path: str | Path, *, batch_size: int = 256, flush_interval_s: float = 0.2) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self._queue: asyncio.Queue[LedgerRow | asyncio.Future[None]] = asyncio.Queue()
        self._urgent = asyncio.Event()
        self._conn: sqlite3.Connection | None = None
        self._db_lock = asyncio.Lock()  # one statement at a time on the shared connection
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
        self._conn = await asyncio.to_thread(self._open)
        self._writer = asyncio.create_task(self._write_loop(), name="laneway-ledger-writer")

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        for statement in _SCHEMA:
            conn.execute(statement)
        return conn

    def write(self, row: LedgerRow) -> None:
        """Queue ``row``; never blocks. Raises :class:`LedgerClosedError` after ``close()``."""
        if self._closed:
            raise LedgerClosedError(f"ledger is closed; row {row.request_id} not written")
        self._queue.put_nowait(row)

    async def flush(self) -> None:
        """Return once every row written before this call is committed."""
        if self._writer is None:
            await self.start()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(done)
        self._urgent.set()
        await done

    async def close(self) -> None:
        if self._closed:
            return
        if self._writer is None and self._queue.empty():
            self._closed = True
            return
        await self.flush()
        self._closed = True
        if self._writer is not None:
            await stop_task(self._writer)
            self._writer = None
        if self._conn is not None:
            conn, self._conn = self._conn, None
            async with self._db_lock:
                await asyncio.to_thread(conn.close)

    # --- the writer --------------------------------------------------------------------------

    async def _write_loop(self) -> None:
        while True:
            batch: list[LedgerRow] = []
            waiters: list[asyncio.Future[None]] = []
            self._take(await self._queue.get(), batch, waiters)
            self._drain(batch, waiters)
            if batch and len(batch) < self.batch_size and not waiters:
                if not self._urgent.is_set():
                    try:
                        async with asyncio.timeout(self.flush_interval_s):
                            await self._urgent.wait()
                    except TimeoutError:
                        pass  # the interval passed: commit what we have
                self._drain(batch, waiters)
            if batch:
                await self._commit(batch)
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
            if self._queue.empty():
                self._urgent.clear()

    def _take(
        self,
        item: LedgerRow | asyncio.Future[None],
        batch: list[LedgerRow],
        waiters: list[asyncio.Future[None]],
    ) -> None:
        if isinstance(item, LedgerRow):
            batch.append(item)
        else:
            waiters.append(item)

    def _drain(self, batch: list[LedgerRow], waiters: list[asyncio.Future[None]]) -> None:
        """Move queued items into ``batch`` until it is full; stop after a flush marker."""
        while len(batch) < self.batch_size and not waiters:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            self._take(item, batch, waiters)

    async def _commit(self, batch: list[LedgerRow]) -> None:
        params = [_to_params(row) for row in batch]
        try:
            async with self._db_lock:
                await asyncio.to_thread(self._executemany, params)
        except sqlite3.Error:
            self.rows_failed += len(batch)
            logger.exception("ledger: %d rows could not be written to %s", len(batch), self.path)
        else:
            self.rows_written += len(batch)

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
        if self._closed:  # read back after close (e.g. to check nothing was lost)
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
