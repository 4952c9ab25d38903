"""Real Redis and PostgreSQL for the integration tests (see tests/services.py): each test gets its
own Redis key prefix / PostgreSQL schema, removed afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ..services import POSTGRES_DSN, REDIS_URL, pg_namespace, redis_namespace


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


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
    async with pg_namespace(postgres_dsn) as schema:
        yield schema
