"""The RateLimiter and BudgetGuard protocols, their results, and how to open the configured pair.

Rate limits are token buckets that refill continuously (as OpenAI describes its own limits): a
limit of ``rpm`` holds ``rpm`` requests and refills ``rpm / 60`` per second, so a burst admits at
most ``rpm`` and a sustained load ``rpm`` per minute. TPM works the same way with tokens. The time
is always passed in (``now``, unix seconds), never read, so tests drive a manual clock.

Budgets are counters per (key, period) in integer nano-dollars: :meth:`BudgetGuard.reserve`
checks and adds a request's maximum cost in one atomic step; :meth:`BudgetGuard.settle` replaces
it by the real cost.
"""

from __future__ import annotations

import math
import os
from collections.abc import Awaitable, Callable, Mapping
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
class Limits:
    """The configured limiter and budget guard, and how to close what they hold."""

    limiter: RateLimiter
    budget: BudgetGuard
    close: Callable[[], Awaitable[None]]
    shared: bool  # True when several processes see the same counters (Redis)


async def _nothing() -> None:
    return None


def open_limits(settings: LimitsSettings, *, env: Mapping[str, str] | None = None) -> Limits:
    """The backend ``settings`` names. Redis loads only here."""
    if settings.backend == "redis":
        from laneway.errors import ConfigError
        from laneway.limits.redis import RedisBudgetGuard, RedisRateLimiter, connect

        environ = os.environ if env is None else env
        url = settings.redis_url or environ.get(settings.redis_url_env, "")
        if not url:
            raise ConfigError(
                "limits.redis_url", f"backend redis needs limits.redis_url or ${settings.redis_url_env}"
            )
        client = connect(url)
        return Limits(
            RedisRateLimiter(client, prefix=settings.redis_prefix),
            RedisBudgetGuard(client, prefix=settings.redis_prefix),
            client.aclose,
            shared=True,
        )
    from laneway.limits.memory import MemoryBudgetGuard, MemoryRateLimiter

    return Limits(MemoryRateLimiter(), MemoryBudgetGuard(), _nothing, shared=False)
