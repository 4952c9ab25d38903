"""The KeyStore protocol (backends: sqlite, postgres) and how to open the configured one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from laneway.keys.model import VirtualKey
from laneway.keys.settings import KeyStoreSettings


class KeyStore(Protocol):
    """Where key records live. Keys are found only by their HMAC hash, with bound parameters."""

    async def start(self) -> None: ...  # create the table if needed

    async def create(self, key: VirtualKey) -> None: ...

    async def get_by_hash(self, key_hash: str) -> VirtualKey | None: ...

    async def get(self, key_id: str) -> VirtualKey | None: ...

    async def list(self) -> Sequence[VirtualKey]: ...  # oldest first

    async def revoke(self, key_id: str) -> bool: ...  # False when no such key

    async def close(self) -> None: ...


def open_key_store(settings: KeyStoreSettings, *, env: dict[str, str] | None = None) -> KeyStore:
    """The store ``settings`` names (not started). Drivers load only here."""
    import os

    if settings.backend == "postgres":
        from laneway.errors import ConfigError
        from laneway.keys.postgres import PostgresKeyStore

        environ = os.environ if env is None else env
        dsn = settings.dsn or environ.get(settings.dsn_env, "")
        if not dsn:
            raise ConfigError("keys.dsn", f"backend postgres needs keys.dsn or ${settings.dsn_env}")
        return PostgresKeyStore(dsn, schema=settings.schema)
    from laneway.keys.sqlite import SQLiteKeyStore

    return SQLiteKeyStore(settings.path)
