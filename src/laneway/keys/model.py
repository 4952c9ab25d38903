"""A virtual key: who may call, which models and lanes, how much and how fast.

The key itself (``lw-`` + 43 URL-safe characters) is shown once when it is created and never
stored: the store keeps ``HMAC-SHA256(server_secret, key)`` and finds a key only by that hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

KEY_PREFIX = "lw-"
#: Bytes of randomness in a key (secrets.token_urlsafe(32) -> 43 characters).
KEY_BYTES = 32
#: What a well-formed key looks like; anything else is refused before any lookup.
_KEY_SHAPE = re.compile(r"lw-[A-Za-z0-9_-]{20,128}")


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    TOTAL = "total"

    @classmethod
    def parse(cls, value: str) -> Period:
        try:
            return cls(value.strip().lower())
        except ValueError:
            known = ", ".join(p.value for p in cls)
            raise ValueError(f"unknown budget period {value!r} (known: {known})") from None


def generate_key() -> str:
    """A new random key. Show it to the user once; store only :func:`hash_key` of it."""
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def generate_key_id() -> str:
    return "key_" + secrets.token_hex(8)


def well_formed(key: str) -> bool:
    """Whether ``key`` has the shape of a laneway key (checked before hashing or looking up)."""
    return _KEY_SHAPE.fullmatch(key) is not None


def hash_key(secret: bytes, key: str) -> str:
    """``HMAC-SHA256(secret, key)`` as hex: what the store keeps and looks keys up by."""
    return hmac.new(secret, key.encode("utf-8"), hashlib.sha256).hexdigest()


def hashes_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two key hashes."""
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def period_key(period: Period, now: float) -> str:
    """The budget window ``now`` falls in (UTC): ``day:2026-05-04``, ``week:2026-W19``, ``total``."""
    day = dt.datetime.fromtimestamp(now, dt.UTC).date()
    if period is Period.DAY:
        return f"day:{day.isoformat()}"
    if period is Period.WEEK:
        year, week, _ = day.isocalendar()
        return f"week:{year}-W{week:02d}"
    if period is Period.MONTH:
        return f"month:{day.year}-{day.month:02d}"
    return "total"


def period_end(period: Period, now: float) -> float | None:
    """Unix time the budget window containing ``now`` ends (UTC); ``None`` for ``total``."""
    day = dt.datetime.fromtimestamp(now, dt.UTC).date()
    if period is Period.DAY:
        end = day + dt.timedelta(days=1)
    elif period is Period.WEEK:
        end = day + dt.timedelta(days=7 - day.weekday())
    elif period is Period.MONTH:
        end = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    else:
        return None
    return dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC).timestamp()


@dataclass(frozen=True, slots=True)
class VirtualKey:
    """One key's record. ``models``/``lanes`` empty means every model / lane."""

    id: str
    name: str
    key_hash: str
    created: float
    budget_usd: float | None = None
    period: Period = Period.TOTAL
    rpm: int | None = None
    tpm: int | None = None
    models: tuple[str, ...] = ()
    lanes: tuple[str, ...] = ()
    expires: float | None = None
    revoked: bool = False

    def __post_init__(self) -> None:
        if self.budget_usd is not None and self.budget_usd < 0:
            raise ValueError(f"budget_usd must be >= 0 (got {self.budget_usd})")
        for name, value in (("rpm", self.rpm), ("tpm", self.tpm)):
            if value is not None and value < 1:
                raise ValueError(f"{name} must be >= 1 (got {value})")

    def expired(self, now: float) -> bool:
        return self.expires is not None and now >= self.expires

    def allows_model(self, model: str) -> bool:
        return not self.models or model in self.models

    def allows_lane(self, lane: str) -> bool:
        return not self.lanes or lane in self.lanes

    def revoke(self) -> VirtualKey:
        return replace(self, revoked=True)

    def public(self) -> dict[str, Any]:
        """The record without its hash: for ``keys list`` and the admin API."""
        return {
            "id": self.id,
            "name": self.name,
            "created": _iso(self.created),
            "budget_usd": self.budget_usd,
            "period": self.period.value,
            "rpm": self.rpm,
            "tpm": self.tpm,
            "models": list(self.models),
            "lanes": list(self.lanes),
            "expires": _iso(self.expires) if self.expires is not None else None,
            "revoked": self.revoked,
        }


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
