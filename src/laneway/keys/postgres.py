"""Key records in PostgreSQL (asyncpg): shared by every replica.

Every statement uses bound parameters ($1...); keys are found only by their HMAC hash. The schema
name comes from configuration (never from a request) and is validated as an identifier.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

from laneway.errors import ConfigError
from laneway.keys.model import Period, VirtualKey

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_COLUMNS = "id, name, key_hash, created, budget_usd, period, rpm, tpm, models, lanes, expires, revoked"


def quote_identifier(name: str, path: str = "schema") -> str:
    if _IDENTIFIER.fullmatch(name) is None:
        raise ConfigError(path, f"not a plain SQL identifier: {name!r}")
    return f'"{name}"'


def import_asyncpg() -> Any:
    try:
        import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type stubs
    except ModuleNotFoundError as exc:
        raise ConfigError("keys.backend", "postgres needs asyncpg: pip install 'laneway[postgres]'") from exc
    return asyncpg


async def close_pool(pool: Any, timeout_s: float = 5.0) -> None:
    """Close an asyncpg pool gracefully; past ``timeout_s`` (a connection still busy), terminate
    it, so a stuck query cannot hold a shutdown forever."""
    try:
        await asyncio.wait_for(pool.close(), timeout_s)
    except TimeoutError:
        pool.terminate()


def _key_from_record(r: Any) -> VirtualKey:
    return VirtualKey(
        id=r["id"],
        name=r["name"],
        key_hash=r["key_hash"],
        created=r["created"],
        budget_usd=r["budget_usd"],
        period=Period(r["period"]),
        rpm=r["rpm"],
        tpm=r["tpm"],
        models=tuple(r["models"]),
        lanes=tuple(r["lanes"]),
        expires=r["expires"],
        revoked=r["revoked"],
    )


class PostgresKeyStore:
    def __init__(self, dsn: str, *, schema: str = "public", min_size: int = 1, max_size: int = 4) -> None:
        self.dsn = dsn
        self.schema = schema
        self._table = f"{quote_identifier(schema, 'keys.schema')}.laneway_keys"
        self._pool: Any = None  # asyncpg.Pool (asyncpg ships no types)
        self._sizes = (min_size, max_size)

    async def start(self) -> None:
        if self._pool is not None:
            return
        asyncpg = import_asyncpg()
        self._pool = await asyncpg.create_pool(self.dsn, min_size=self._sizes[0], max_size=self._sizes[1])
        schema = quote_identifier(self.schema, "keys.schema")
        async with self._pool.acquire() as conn:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            await conn.execute(
                f"""CREATE TABLE IF NOT EXISTS {self._table} (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    key_hash TEXT NOT NULL UNIQUE,
                    created DOUBLE PRECISION NOT NULL,
                    budget_usd DOUBLE PRECISION,
                    period TEXT NOT NULL,
                    rpm INTEGER,
                    tpm INTEGER,
                    models TEXT[] NOT NULL,
                    lanes TEXT[] NOT NULL,
                    expires DOUBLE PRECISION,
                    revoked BOOLEAN NOT NULL DEFAULT FALSE
                )"""
            )

    def _ready(self) -> Any:
        if self._pool is None:
            raise RuntimeError("PostgresKeyStore used before start()")
        return self._pool

    async def create(self, key: VirtualKey) -> None:
        await self._ready().execute(
            f"INSERT INTO {self._table} ({_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
            key.id, key.name, key.key_hash, key.created, key.budget_usd, key.period.value, key.rpm,
            key.tpm, list(key.models), list(key.lanes), key.expires, key.revoked,
        )  # fmt: skip

    async def get_by_hash(self, key_hash: str) -> VirtualKey | None:
        row = await self._ready().fetchrow(
            f"SELECT {_COLUMNS} FROM {self._table} WHERE key_hash = $1", key_hash
        )
        return None if row is None else _key_from_record(row)

    async def get(self, key_id: str) -> VirtualKey | None:
        row = await self._ready().fetchrow(f"SELECT {_COLUMNS} FROM {self._table} WHERE id = $1", key_id)
        return None if row is None else _key_from_record(row)

    async def list(self) -> Sequence[VirtualKey]:
        rows = await self._ready().fetch(f"SELECT {_COLUMNS} FROM {self._table} ORDER BY created, id")
        return [_key_from_record(r) for r in rows]

    async def revoke(self, key_id: str) -> bool:
        status = await self._ready().execute(f"UPDATE {self._table} SET revoked = TRUE WHERE id = $1", key_id)
        return bool(status == "UPDATE 1")

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await close_pool(pool)
