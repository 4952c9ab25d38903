"""Real Redis and PostgreSQL for the tests that need them, and loading a shared contract module.

Found via ``LANEWAY_REDIS_URL`` (default redis://127.0.0.1:6379/0) and ``LANEWAY_POSTGRES_DSN``
(default postgresql://postgres@127.0.0.1:5432/test). Unreachable: the test skips and says why --
unless ``LANEWAY_CI=1`` (set by .ci/run), where it must run, so it fails loudly instead. Every
user gets its own Redis key prefix / PostgreSQL schema, removed afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType

import pytest

REDIS_URL = os.environ.get("LANEWAY_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_DSN = os.environ.get("LANEWAY_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
TESTS = Path(__file__).resolve().parent


def unavailable(what: str, exc: BaseException) -> None:
    """Skip (fail under ``LANEWAY_CI=1``) because ``what`` cannot be reached."""
    message = f"{what} unreachable ({type(exc).__name__}: {exc})"
    if os.environ.get("LANEWAY_CI") == "1":
        pytest.fail(f"{message}; LANEWAY_CI=1 requires it", pytrace=False)
    pytest.skip(f"{message}; set LANEWAY_REDIS_URL / LANEWAY_POSTGRES_DSN or start the service")


@asynccontextmanager
async def redis_namespace(redis_url: str = REDIS_URL) -> AsyncIterator[str]:
    """A unique key prefix on a reachable Redis; every key under it is deleted afterwards."""
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError

    client = aioredis.Redis.from_url(redis_url)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        unavailable(f"Redis at {redis_url}", exc)
    prefix = f"laneway-test-{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        keys = [k async for k in client.scan_iter(match=prefix + "*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@asynccontextmanager
async def pg_namespace(postgres_dsn: str = POSTGRES_DSN) -> AsyncIterator[str]:
    """A unique schema on a reachable PostgreSQL, dropped (with everything in it) afterwards."""
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type stubs

    try:
        conn = await asyncpg.connect(postgres_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(f"PostgreSQL at {postgres_dsn}", exc)
    schema = f"laneway_test_{uuid.uuid4().hex[:12]}"
    try:
        yield schema
    finally:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()


def load_test_module(relative: str) -> ModuleType:
    """A module under tests/ by path, loaded once (a contract suite shared by unit and integration)."""
    name = "laneway_tests_" + relative.removesuffix(".py").replace("/", "_")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, TESTS / relative)
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]
