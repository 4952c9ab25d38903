"""Key records in a SQLite file (WAL): the default, for one host.

Every statement uses bound parameters; keys are found only by their HMAC hash. Calls run in a
worker thread so the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from laneway.keys.model import Period, VirtualKey

_T = TypeVar("_T")
_COLUMNS = "id, name, key_hash, created, budget_usd, period, rpm, tpm, models, lanes, expires, revoked"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS laneway_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    budget_usd REAL,
    period TEXT NOT NULL,
    rpm INTEGER,
    tpm INTEGER,
    models TEXT NOT NULL,
    lanes TEXT NOT NULL,
    expires REAL,
    revoked INTEGER NOT NULL DEFAULT 0
)
"""


def key_to_row(key: VirtualKey) -> tuple[Any, ...]:
    return (
        key.id, key.name, key.key_hash, key.created, key.budget_usd, key.period.value, key.rpm,
        key.tpm, json.dumps(list(key.models)), json.dumps(list(key.lanes)), key.expires, key.revoked,
    )  # fmt: skip


def key_from_row(row: Sequence[Any]) -> VirtualKey:
    return VirtualKey(
        id=row[0],
        name=row[1],
        key_hash=row[2],
        created=float(row[3]),
        budget_usd=None if row[4] is None else float(row[4]),
        period=Period(row[5]),
        rpm=row[6],
        tpm=row[7],
        models=tuple(json.loads(row[8])),
        lanes=tuple(json.loads(row[9])),
        expires=None if row[10] is None else float(row[10]),
        revoked=bool(row[11]),
    )


class SQLiteKeyStore:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()

    def _open(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute(_SCHEMA)
        return conn

    async def start(self) -> None:
        if self._conn is None:
            self._conn = await asyncio.to_thread(self._open)

    async def _call(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        if self._conn is None:
            await self.start()
        conn = self._conn
        assert conn is not None
        async with self._lock:
            return await asyncio.to_thread(work, conn)

    async def _fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return await self._call(lambda conn: list(conn.execute(sql, params).fetchall()))

    async def _execute(self, sql: str, params: tuple[Any, ...]) -> int:
        return await self._call(lambda conn: conn.execute(sql, params).rowcount)

    async def create(self, key: VirtualKey) -> None:
        await self._execute(
            f"INSERT INTO laneway_keys ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", key_to_row(key)
        )

    async def get_by_hash(self, key_hash: str) -> VirtualKey | None:
        rows = await self._fetch(f"SELECT {_COLUMNS} FROM laneway_keys WHERE key_hash = ?", (key_hash,))
        return key_from_row(rows[0]) if rows else None

    async def get(self, key_id: str) -> VirtualKey | None:
        rows = await self._fetch(f"SELECT {_COLUMNS} FROM laneway_keys WHERE id = ?", (key_id,))
        return key_from_row(rows[0]) if rows else None

    async def list(self) -> Sequence[VirtualKey]:
        rows = await self._fetch(f"SELECT {_COLUMNS} FROM laneway_keys ORDER BY created, id")
        return [key_from_row(r) for r in rows]

    async def revoke(self, key_id: str) -> bool:
        return await self._execute("UPDATE laneway_keys SET revoked = 1 WHERE id = ?", (key_id,)) == 1

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            async with self._lock:
                await asyncio.to_thread(conn.close)
