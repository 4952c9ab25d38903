"""The Limits protocol (one atomic admit, one settle per request), its parts, and how to open it.

Rate limits are token buckets that refill continuously (as OpenAI describes its own limits): a
limit of ``rpm`` holds ``rpm`` requests and refills ``rpm / 60`` per second, so a burst admits at
most ``rpm`` and a sustained load ``rpm`` per minute. TPM works the same way with tokens. The time
is always passed in (``now``, unix seconds), never read, so tests drive a manual clock.

Budgets are counters per (key, period) in integer nano-dollars: :meth:`BudgetGuard.reserve`
checks and adds a request's maximum cost in one atomic step; :meth:`BudgetGuard.settle` replaces
it by the real cost.

The gateway uses neither piece alone: :meth:`Limits.admit` checks and takes a request's model TPM,
key RPM/TPM and budget reservation in one atomic step (all or none; one Redis round trip), and
:meth:`Limits.settle` gives back and charges in one more.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from laneway.limits.settings import LimitsSettings

NANO = 1_000_000_000
WINDOW_S = 60.0


def to_nano(usd: float, *, up: bool = False) -> int:
    """Dollars as integer nano-dollars (rounded up for reservations, to nearest otherwise)."""
    scaled = usd * NANO
    return math.ceil(scaled - 1e-6) if up else round(scaled)


def format_reset(seconds: float) -> str:
    """OpenAI's ``x-ratelimit-reset-*`` format: ``20ms``, ``1s``, ``6m0s``, ``17.28s``."""
    seconds = max(0.0, seconds)
    if seconds < 1:
        return f"{math.ceil(seconds * 1000)}ms"
    minutes, rest = divmod(seconds, 60)
    text = f"{rest:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{int(minutes)}m{text}" if minutes else text


@dataclass(frozen=True, slots=True)
class RateDecision:
    """One acquire's outcome. ``None`` limits mean that dimension is not limited."""

    allowed: bool
    limit_requests: int | None
    remaining_requests: int | None
    reset_requests_s: float
    limit_tokens: int | None
    remaining_tokens: int | None
    reset_tokens_s: float
    retry_after_s: float  # 0 when allowed

    def headers(self) -> dict[str, str]:
        """``x-ratelimit-*`` headers in OpenAI's format (only for the limited dimensions)."""
        out: dict[str, str] = {}
        if self.limit_requests is not None:
            out["x-ratelimit-limit-requests"] = str(self.limit_requests)
            out["x-ratelimit-remaining-requests"] = str(max(0, self.remaining_requests or 0))
            out["x-ratelimit-reset-requests"] = format_reset(self.reset_requests_s)
        if self.limit_tokens is not None:
            out["x-ratelimit-limit-tokens"] = str(self.limit_tokens)
            out["x-ratelimit-remaining-tokens"] = str(max(0, self.remaining_tokens or 0))
            out["x-ratelimit-reset-tokens"] = format_reset(self.reset_tokens_s)
        return out


def bucket_decision(
    allowed: bool,
    rpm: int | None,
    tpm: int | None,
    requests_left: float,
    tokens_left: float,
    retry_after_s: float,
) -> RateDecision:
    """Build a :class:`RateDecision` from bucket levels after the acquire."""
    return RateDecision(
        allowed=allowed,
        limit_requests=rpm,
        remaining_requests=None if rpm is None else max(0, math.floor(requests_left)),
        reset_requests_s=0.0 if rpm is None else max(0.0, (rpm - requests_left) * WINDOW_S / rpm),
        limit_tokens=tpm,
        remaining_tokens=None if tpm is None else max(0, math.floor(tokens_left)),
        reset_tokens_s=0.0 if tpm is None else max(0.0, (tpm - tokens_left) * WINDOW_S / tpm),
        retry_after_s=0.0 if allowed else retry_after_s,
    )


class RateLimiter(Protocol):
    async def acquire(
        self, key: str, *, rpm: int | None, tpm: int | None, tokens: int, now: float
    ) -> RateDecision:
        """Take one request and ``tokens`` tokens from ``key``'s buckets, both or neither.

        A request larger than ``tpm`` waits for a full bucket and then takes all of it.
        """
        ...

    async def adjust(
        self, key: str, *, rpm: int | None, tpm: int | None, requests: int, tokens: int, now: float
    ) -> None:
        """Give back ``requests`` and ``tokens`` (negative ``tokens`` takes more: the reply used
        more than estimated; the bucket may go into debt)."""
        ...


@dataclass(frozen=True, slots=True)
class BudgetReservation:
    key_id: str
    period_key: str
    amount_nano: int
    expires_at: float | None  # when the period's counter may be dropped


@dataclass(frozen=True, slots=True)
class BudgetCheck:
    ok: bool
    used_usd: float  # settled spend plus open reservations, after this call
    remaining_usd: float
    reservation: BudgetReservation | None  # set when ok


class BudgetGuard(Protocol):
    async def reserve(
        self,
        key_id: str,
        period_key: str,
        *,
        limit_usd: float,
        amount_usd: float,
        expires_at: float | None = None,
    ) -> BudgetCheck:
        """Atomically: if used < limit and used + amount <= limit, add amount. Else refuse."""
        ...

    async def settle(self, reservation: BudgetReservation, actual_usd: float) -> None:
        """Replace the reserved amount by ``actual_usd`` (0 releases it all)."""
        ...

    async def used(self, key_id: str, period_key: str) -> float: ...


def check_budget(used: int, limit: int, amount: int) -> bool:
    """The budget rule both backends apply (integer nano-dollars)."""
    return used < limit and used + amount <= limit


@dataclass(frozen=True, slots=True)
class Bucket:
    """A pair of token buckets one admission takes from (``model:<name>``, ``key:<id>``)."""

    name: str
    rpm: int | None
    tpm: int | None


@dataclass(frozen=True, slots=True)
class BudgetAsk:
    """Reserve ``amount_usd`` of ``key_id``'s budget for ``period_key`` (``limit_usd`` in all)."""

    key_id: str
    period_key: str
    limit_usd: float
    amount_usd: float
    expires_at: float | None = None  # when the period ends (its counter may go a day later)


@dataclass(frozen=True, slots=True)
class Take:
    """What one admission takes, all or none: one request and ``tokens`` from every bucket (in
    order), then the budget reservation."""

    buckets: tuple[Bucket, ...]
    tokens: int
    now: float
    budget: BudgetAsk | None = None


@dataclass(frozen=True, slots=True)
class Taken:
    """The outcome of :meth:`Limits.admit`; a refusal takes nothing.

    Admitted: one decision per bucket (levels after the take) and the budget check (when asked).
    Refused by a bucket: ``refused_by`` is its index and ``rates`` its decision alone. Refused by
    the budget: no decisions, and the refusing check.
    """

    rates: tuple[RateDecision, ...]
    budget: BudgetCheck | None = None
    refused_by: int | None = None

    @property
    def ok(self) -> bool:
        return self.refused_by is None and (self.budget is None or self.budget.ok)

    def headers(self) -> dict[str, str]:
        """``x-ratelimit-*`` for the reply: later buckets (the key's) win over earlier (the model's)."""
        out: dict[str, str] = {}
        for decision in self.rates:
            out.update(decision.headers())
        return out


@dataclass(frozen=True, slots=True)
class Settlement:
    """After the reply: give ``requests`` and ``tokens`` back to ``buckets`` (negative tokens take
    more), and replace the budget ``reservation`` by ``actual_usd``."""

    buckets: tuple[Bucket, ...]
    requests: int
    tokens: int
    now: float
    reservation: BudgetReservation | None = None
    actual_usd: float = 0.0


class Limits(Protocol):
    """The configured backend: one atomic :meth:`admit` and one :meth:`settle` per request.

    :attr:`limiter` and :attr:`budget` are the same counters one at a time (tests, tools).
    """

    @property
    def limiter(self) -> RateLimiter: ...

    @property
    def budget(self) -> BudgetGuard: ...

    @property
    def shared(self) -> bool:
        """True when several processes see the same counters (Redis)."""
        ...

    async def admit(self, take: Take) -> Taken:
        """Check every bucket and the budget; take them all, or nothing (one atomic step)."""
        ...

    async def settle(self, settlement: Settlement) -> None:
        """Give back and charge what :meth:`admit` took, in one step."""
        ...

    async def close(self) -> None: ...


def open_limits(settings: LimitsSettings, *, env: Mapping[str, str] | None = None) -> Limits:
    """The backend ``settings`` names. Redis loads only here."""
    if settings.backend == "redis":
        from laneway.limits.redis import RedisLimits
        from laneway.redis_client import connect, resolve_url

        url = resolve_url(
            settings.redis_url, settings.redis_url_env, os.environ if env is None else env, "limits"
        )
        return RedisLimits(connect(url, field="limits.backend"), prefix=settings.redis_prefix)
    from laneway.limits.memory import MemoryLimits

    return MemoryLimits()
