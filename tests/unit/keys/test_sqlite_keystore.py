"""The KeyStore contract against SQLite."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from laneway.keys.sqlite import SQLiteKeyStore


def _contract() -> object:
    name = "laneway_tests_keystore_contract"  # tests/integration loads it under the same name
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("keystore_contract.py"))
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


_c = _contract()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteKeyStore]:
    backend = SQLiteKeyStore(tmp_path / "keys.db")
    await backend.start()
    yield backend
    await backend.close()


class TestSQLiteKeyStore(_c.KeyStoreContract):  # type: ignore[attr-defined,misc,name-defined]
    pass


async def test_keys_survive_a_restart(tmp_path: Path) -> None:
    make_key = _c.make_key  # type: ignore[attr-defined]
    _, key = make_key()
    first = SQLiteKeyStore(tmp_path / "keys.db")
    await first.start()
    await first.create(key)
    await first.close()
    second = SQLiteKeyStore(tmp_path / "keys.db")
    await second.start()
    assert await second.get_by_hash(key.key_hash) == key
    await second.close()
