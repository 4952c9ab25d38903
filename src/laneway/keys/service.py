"""Issuing, listing and revoking keys: what ``laneway keys`` and ``/admin/keys`` share."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path

from laneway.errors import ConfigError, InputError, NotFoundError
from laneway.keys.base import KeyStore
from laneway.keys.cache import KeyCache
from laneway.keys.model import Period, VirtualKey, generate_key, generate_key_id, hash_key
from laneway.keys.settings import AuthSettings
from laneway.lanes.lane import Lane

#: Shortest server secret accepted (bytes of the UTF-8 value).
MIN_SECRET_BYTES = 16


def load_secret(settings: AuthSettings, *, env: Mapping[str, str] | None = None) -> bytes:
    """The server secret: ``$secret_env`` if set, else ``secret_file`` (created 0600 if absent)."""
    environ = os.environ if env is None else env
    value = environ.get(settings.secret_env)
    if value:
        secret = value.encode("utf-8")
        if len(secret) < MIN_SECRET_BYTES:
            raise ConfigError(f"${settings.secret_env}", f"server secret must be >= {MIN_SECRET_BYTES} bytes")
        return secret
    path = Path(settings.secret_file)
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_urlsafe(32) + "\n")
        secret = path.read_text("utf-8").strip().encode("utf-8")
    except FileExistsError:  # another process created it first
        secret = path.read_text("utf-8").strip().encode("utf-8")
    except OSError as exc:
        raise ConfigError("auth.secret_file", f"cannot read or create {path}: {exc.strerror or exc}") from exc
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigError("auth.secret_file", f"server secret in {path} must be >= {MIN_SECRET_BYTES} bytes")
    return secret


def load_master_key(settings: AuthSettings, *, env: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if env is None else env
    value = environ.get(settings.master_key_env) or None
    if value is not None and len(value) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"${settings.master_key_env}", f"master key must be >= {MIN_SECRET_BYTES} characters"
        )
    return value


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


class KeyService:
    """Create, list and revoke keys against one store; the raw key leaves only from :meth:`create`."""

    def __init__(
        self,
        store: KeyStore,
        secret: bytes,
        *,
        clock: Callable[[], float],
        known_models: Collection[str] | None = None,
        cache: KeyCache | None = None,
    ) -> None:
        self.store = store
        self._secret = secret
        self._clock = clock
        self.known_models = known_models
        self.cache = cache

    async def create(
        self,
        *,
        name: str = "",
        budget_usd: float | None = None,
        period: Period | str = Period.TOTAL,
        rpm: int | None = None,
        tpm: int | None = None,
        models: Iterable[str] = (),
        lanes: Iterable[str] = (),
        expires: float | None = None,
    ) -> tuple[str, VirtualKey]:
        """A new key: returns ``(raw_key, record)``. Show ``raw_key`` once; it is not kept."""
        try:
            period = period if isinstance(period, Period) else Period.parse(period)
            lane_names = tuple(Lane.parse(lane).value for lane in _names(lanes))
        except ValueError as exc:
            raise InputError(str(exc)) from None
        model_names = _names(models)
        if self.known_models is not None:
            unknown = [m for m in model_names if m not in self.known_models]
            if unknown:
                known = ", ".join(sorted(self.known_models))
                raise InputError(f"unknown model {', '.join(unknown)} (known: {known})")
        now = self._clock()
        if expires is not None and expires <= now:
            raise InputError("expires is in the past")
        raw = generate_key()
        try:
            record = VirtualKey(
                id=generate_key_id(),
                name=name,
                key_hash=hash_key(self._secret, raw),
                created=now,
                budget_usd=budget_usd,
                period=period,
                rpm=rpm,
                tpm=tpm,
                models=model_names,
                lanes=lane_names,
                expires=expires,
            )
        except ValueError as exc:
            raise InputError(str(exc)) from None
        await self.store.create(record)
        return raw, record

    async def list(self) -> Sequence[VirtualKey]:
        return await self.store.list()

    async def revoke(self, key_id: str) -> VirtualKey:
        if not await self.store.revoke(key_id):
            raise NotFoundError(f"No key with id {key_id!r}", param="id")
        record = await self.store.get(key_id)
        assert record is not None
        if self.cache is not None:
            self.cache.forget(record.key_hash)
        return record
