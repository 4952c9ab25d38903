"""The KeyStore contract against PostgreSQL (asyncpg), in a schema of its own."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from laneway.errors import ConfigError
from laneway.keys.postgres import PostgresKeyStore

pytestmark = pytest.mark.integration


def _contract() -> object:
    name = "laneway_tests_keystore_contract"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "unit" / "keys" / "keystore_contract.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


_c = _contract()


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
