"""The batching writer every persistent ledger uses: rows off the request path, none lost.

``write()`` appends to a queue and never blocks. One writer task takes up to ``batch_size`` rows,
waits at most ``flush_interval_s`` for a batch to fill (a ``flush()`` cuts the wait short) and
hands it to the backend's ``commit``. When the store fails:

* a *transient* failure (the database is down, locked, unreachable, the disk is full) keeps the
  batch and retries it with exponential backoff up to ``retry_max_s``, for as long as it takes;
  rows keep queueing meanwhile and :attr:`backlog` counts every row not yet committed. Past
  ``max_backlog`` rows the ledger reports itself :attr:`full` and the gateway refuses new requests
  (503) rather than serve what it cannot account for;
* a *permanent* failure (the backend's ``permanent`` exception types: a row the store rejects)
  would fail on every retry, so that batch goes to the spill file at once;
* at ``close()``, rows still unwritten after ``close_timeout_s`` go to the spill file.

The spill file (JSON lines, one :class:`LedgerRow` each, appended) loses nothing:
``laneway ledger import FILE`` writes its rows into a ledger once the store is back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec

from laneway.ledger.base import LedgerClosedError, LedgerRow, stop_task

logger = logging.getLogger("laneway.ledger")

Commit = Callable[[list[LedgerRow]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """How a ledger rides out a failing store (``ledger:`` settings)."""

    max_backlog: int = 100_000
    retry_max_s: float = 5.0
    close_timeout_s: float = 10.0
    spill_path: str | None = None  # None: see :func:`spill_path_for`


_Item = LedgerRow | asyncio.Future[None]


class BatchWriter:
    """The queue and the writer task of one ledger (see the module docstring)."""

    def __init__(
        self,
        commit: Commit,
        *,
        store: str,
        spill_path: str | Path,
        batch_size: int,
        flush_interval_s: float,
        permanent: tuple[type[BaseException], ...] = (),
        retry_base_s: float = 0.05,
        retry_max_s: float = 5.0,
        max_backlog: int = 100_000,
        close_timeout_s: float = 10.0,
    ) -> None:
        self._commit = commit
        self.store = store  # what the rows go to, for log lines
        self.spill_path = Path(spill_path)
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.permanent = permanent
        self.retry_base_s = retry_base_s
        self.retry_max_s = retry_max_s
        self.max_backlog = max_backlog
        self.close_timeout_s = close_timeout_s
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._urgent = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pending: list[LedgerRow] = []  # the batch being committed (or retried)
        self.closed = False
        #: Rows written and not yet committed (queued, or in a batch being retried).
        self.backlog = 0
        self.rows_written = 0
        self.rows_spilled = 0
        #: The store's last error while it keeps failing; None once a commit succeeds.
        self.failing: str | None = None

    @property
    def started(self) -> bool:
        return self._task is not None

    @property
    def full(self) -> bool:
        """Too many rows wait for the store: stop taking requests until it catches up."""
        return self.backlog >= self.max_backlog

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=f"laneway-ledger-writer ({self.store})")

    def write(self, row: LedgerRow) -> None:
        """Queue ``row``; never blocks. Raises :class:`LedgerClosedError` after ``close()``."""
        if self.closed:
            raise LedgerClosedError(f"ledger is closed; row {row.request_id} not written")
        self._queue.put_nowait(row)
        self.backlog += 1

    async def flush(self) -> None:
        """Return once every row written before this call is committed (or spilled)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(done)
        self._urgent.set()
        await done

    async def close(self) -> None:
        """Commit what is queued (for at most ``close_timeout_s``), spill the rest, stop."""
        if self.closed:
            return
        if self._task is not None:
            try:
                async with asyncio.timeout(self.close_timeout_s):
                    await self.flush()
            except TimeoutError:
                logger.error(
                    "ledger: %s still failing after %.1fs (%s); spilling %d unwritten rows",
                    self.store, self.close_timeout_s, self.failing, self.backlog,
                )  # fmt: skip
        self.closed = True  # no write from here on
        if self._task is not None:
            await stop_task(self._task)
            self._task = None
        leftover = [*self._pending, *self._drain_rows()]
        self._pending = []
        if leftover:
            self._spill(leftover, "the ledger closed before the store took them")
        self.backlog = 0

    # --- the writer task -----------------------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            batch: list[LedgerRow] = []
            waiters: list[asyncio.Future[None]] = []
            self._take(await self._queue.get(), batch, waiters)
            self._fill(batch, waiters)
            if batch and len(batch) < self.batch_size and not waiters:
                if not self._urgent.is_set():
                    try:
                        async with asyncio.timeout(self.flush_interval_s):
                            await self._urgent.wait()
                    except TimeoutError:
                        pass  # the interval passed: commit what we have
                self._fill(batch, waiters)
            if batch:
                await self._commit_until_done(batch)
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
            if self._queue.empty():
                self._urgent.clear()

    async def _commit_until_done(self, batch: list[LedgerRow]) -> None:
        self._pending = batch
        delay = self.retry_base_s
        while True:
            try:
                await self._commit(batch)
            except asyncio.CancelledError:
                raise
            except self.permanent as exc:
                self._spill(batch, f"the store rejected them: {type(exc).__name__}: {exc}")
                break
            except Exception as exc:  # noqa: BLE001 - transient (anything not permanent): keep the batch, retry
                if self.failing is None:
                    logger.warning(
                        "ledger: writing %d rows to %s failed (%s: %s); retrying until it works",
                        len(batch), self.store, type(exc).__name__, exc,
                    )  # fmt: skip
                self.failing = f"{type(exc).__name__}: {exc}"
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max_s)
                continue
            if self.failing is not None:
                logger.warning("ledger: %s is back; %d rows wait", self.store, self.backlog - len(batch))
                self.failing = None
            self.rows_written += len(batch)
            break
        self.backlog -= len(batch)
        self._pending = []

    def _take(self, item: _Item, batch: list[LedgerRow], waiters: list[asyncio.Future[None]]) -> None:
        if isinstance(item, LedgerRow):
            batch.append(item)
        else:
            waiters.append(item)

    def _fill(self, batch: list[LedgerRow], waiters: list[asyncio.Future[None]]) -> None:
        """Move queued items into ``batch`` until it is full; stop after a flush marker."""
        while len(batch) < self.batch_size and not waiters:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            self._take(item, batch, waiters)

    def _drain_rows(self) -> list[LedgerRow]:
        rows: list[LedgerRow] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return rows
            if isinstance(item, LedgerRow):
                rows.append(item)
            elif not item.done():
                item.set_result(None)

    def _spill(self, rows: list[LedgerRow], why: str) -> None:
        """Append ``rows`` to the spill file (JSON lines); say where, loudly."""
        encoder = msgspec.json.Encoder()
        data = b"".join(encoder.encode(dataclasses.asdict(row)) + b"\n" for row in rows)
        self.spill_path.parent.mkdir(parents=True, exist_ok=True)
        with self.spill_path.open("ab") as out:
            out.write(data)
        self.rows_spilled += len(rows)
        logger.error(
            "ledger: %d rows for %s written to %s instead (%s); load them back with: "
            "laneway ledger import %s",
            len(rows), self.store, self.spill_path, why, self.spill_path,
        )  # fmt: skip


def spill_path_for(store_path: str | None, configured: str | None) -> Path:
    """Where unwritten rows go: ``configured``, else beside the SQLite file, else the working dir."""
    if configured:
        return Path(configured)
    if store_path and store_path != ":memory:":
        return Path(f"{store_path}.unwritten.jsonl")
    return Path(f"laneway-ledger-unwritten-{int(time.time())}.jsonl")


class BatchedLedger:
    """What the SQLite and PostgreSQL ledgers share: a :class:`BatchWriter` and the calls that
    only use it. A subclass sets ``writer`` and opens its store in :meth:`_open_store`."""

    writer: BatchWriter

    async def _open_store(self) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        if self.writer.started:
            return
        if self.writer.closed:
            raise LedgerClosedError("ledger is closed")
        await self._open_store()
        self.writer.start()

    @property
    def rows_written(self) -> int:
        return self.writer.rows_written

    @property
    def full(self) -> bool:
        return self.writer.full

    def write(self, row: LedgerRow) -> None:
        """Queue ``row``; never blocks. Raises :class:`LedgerClosedError` after ``close()``."""
        self.writer.write(row)

    async def flush(self) -> None:
        """Return once every row written before this call is committed."""
        if not self.writer.started:
            await self.start()
        await self.writer.flush()
