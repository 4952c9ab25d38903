"""Config sections for authentication and the key store (``auth:`` and ``keys:`` in the YAML)."""

from __future__ import annotations

import ipaddress
from typing import Literal

import msgspec

from laneway.errors import ConfigError

AuthMode = Literal["auto", "keys", "master", "none"]
KeyBackend = Literal["sqlite", "postgres"]


class AuthSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Who may call the gateway.

    ``keys``: virtual keys (and the master key); ``master``: the master key only; ``none``: no
    authentication, refused unless the server binds a loopback address; ``auto`` (the default):
    ``none`` on a loopback bind (``make run`` works out of the box, and says so at start),
    ``keys`` on any other address.
    """

    mode: AuthMode = "auto"
    #: Environment variable holding the master key (admin API, and every model). Unset: no master key.
    master_key_env: str = "LANEWAY_MASTER_KEY"
    #: Environment variable holding the server secret keys are HMAC'd under. Every replica needs
    #: the same value; changing it invalidates every key.
    secret_env: str = "LANEWAY_SERVER_SECRET"
    #: Used when ``secret_env`` is unset: a file holding the secret, created (mode 0600) on first use.
    secret_file: str = "laneway.secret"
    #: Seconds a key lookup is cached in each process; a revocation is seen within this long.
    cache_ttl_s: float = 5.0
    #: Most key lookups (valid or not) a process caches.
    cache_size: int = 10_000

    def __post_init__(self) -> None:
        if self.cache_ttl_s < 0:
            raise ValueError(f"cache_ttl_s must be >= 0 (got {self.cache_ttl_s})")
        if self.cache_size < 1:
            raise ValueError(f"cache_size must be >= 1 (got {self.cache_size})")

    def mode_on(self, host: str) -> AuthMode:
        """The mode in force on bind address ``host`` (``auto`` resolved)."""
        if self.mode == "auto":
            return "none" if is_loopback(host) else "keys"
        return self.mode

    def check_bind(self, host: str) -> None:
        """``none`` serves anyone who can connect: refused unless ``host`` is a loopback address."""
        if self.mode == "none" and not is_loopback(host):
            raise ConfigError(
                "auth.mode",
                f"'none' turns authentication off and is allowed only on a loopback bind, not {host!r}; "
                "use auth.mode: keys (or master, or auto) or bind 127.0.0.1",
            )


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class KeyStoreSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Where virtual keys live: SQLite (one host) or PostgreSQL (shared by replicas)."""

    backend: KeyBackend = "sqlite"
    #: SQLite file.
    path: str = "laneway-keys.db"
    #: PostgreSQL DSN; empty means the environment variable ``dsn_env``.
    dsn: str | None = None
    dsn_env: str = "LANEWAY_POSTGRES_DSN"
    #: PostgreSQL schema holding the ``laneway_keys`` table.
    schema: str = "public"
