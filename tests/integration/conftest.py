"""Real Redis and PostgreSQL for the integration tests.

Found via ``LANEWAY_REDIS_URL`` (default redis://127.0.0.1:6379/0) and ``LANEWAY_POSTGRES_DSN``
(default postgresql://postgres@127.0.0.1:5432/test). Unreachable: the tests skip and say why --
unless ``LANEWAY_CI=1`` (set by .ci/run), where they must run, so they fail loudly instead.
Every test gets its own Redis key prefix / PostgreSQL schema and removes it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

REDIS_URL = os.environ.get("LANEWAY_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_DSN = os.environ.get("LANEWAY_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def _unavailable(what: str, exc: BaseException) -> None:
    message = f"{what} unreachable ({type(exc).__name__}: {exc})"
    if os.environ.get("LANEWAY_CI") == "1":
        pytest.fail(f"{message}; LANEWAY_CI=1 requires it", pytrace=False)
    pytest.skip(f"{message}; set LANEWAY_REDIS_URL / LANEWAY_POSTGRES_DSN or start the service")


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@asynccontextmanager
async def redis_namespace(redis_url: str) -> AsyncIterator[str]:
    """A unique key prefix on a reachable Redis; every key under it is deleted afterwards."""
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError

    client = aioredis.Redis.from_url(redis_url)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        _unavailable(f"Redis at {redis_url}", exc)
    prefix = f"laneway-test-{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        keys = [k async for k in client.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@pytest.fixture
async def redis_prefix(redis_url: str) -> AsyncIterator[str]:
    """A unique key prefix; every key under it is deleted after the test."""
    async with redis_namespace(redis_url) as prefix:
        yield prefix


@pytest.fixture
def postgres_dsn() -> str:
    return POSTGRES_DSN


@pytest.fixture
async def pg_schema(postgres_dsn: str) -> AsyncIterator[str]:
    """A unique schema, dropped (with everything in it) after the test."""
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type stubs

    try:
        conn = await asyncpg.connect(postgres_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        _unavailable(f"PostgreSQL at {postgres_dsn}", exc)
    schema = f"laneway_test_{uuid.uuid4().hex[:12]}"
    try:
        yield schema
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()
