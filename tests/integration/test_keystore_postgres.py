"""The KeyStore contract against PostgreSQL (asyncpg), in a schema of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from laneway.errors import ConfigError
from laneway.keys.postgres import PostgresKeyStore

from ..services import load_test_module

pytestmark = pytest.mark.integration


_c = load_test_module("unit/keys/keystore_contract.py")


@pytest.fixture
async def store(postgres_dsn: str, pg_schema: str) -> AsyncIterator[PostgresKeyStore]:
    backend = PostgresKeyStore(postgres_dsn, schema=pg_schema)
    await backend.start()
    yield backend
    await backend.close()


class TestPostgresKeyStore(_c.KeyStoreContract):  # type: ignore[attr-defined,misc,name-defined]
    pass


def test_a_schema_name_that_is_not_an_identifier_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"keys\.schema"):
        PostgresKeyStore("postgresql://x@127.0.0.1/test", schema='public"; DROP TABLE x; --')
