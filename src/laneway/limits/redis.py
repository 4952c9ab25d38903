"""Rate limits and budgets in Redis, shared by every worker and replica.

Every check-and-update is one Lua script, so it is atomic across processes. Bucket levels are
kept as strings (Lua numbers are doubles; a Redis reply would truncate them to integers); budget
counters are integer nano-dollars. When Redis cannot be reached the call raises
:class:`~laneway.errors.LimitsUnavailableError` (503): laneway fails closed rather than admit
requests it cannot meter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from laneway.errors import ConfigError, LimitsUnavailableError
from laneway.limits.base import (
    NANO,
    BudgetCheck,
    BudgetReservation,
    RateDecision,
    bucket_decision,
    to_nano,
)

try:
    import redis.asyncio as aioredis
    from redis.exceptions import RedisError
except ModuleNotFoundError:  # pragma: no cover - the extra is in dev
    aioredis = None  # type: ignore[assignment]
    RedisError = OSError  # type: ignore[assignment,misc]

_T = TypeVar("_T")

# Refill both buckets to ``now``; shared by the two bucket scripts.
_REFILL = """
local now = tonumber(ARGV[1])
local rpm = tonumber(ARGV[2])
local tpm = tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'r', 't', 'ts')
local ts = tonumber(s[3]) or now
local elapsed = math.max(0, now - ts)
local r = tonumber(s[1]) or rpm
local t = tonumber(s[2]) or tpm
if rpm > 0 then r = math.min(rpm, r + elapsed * rpm / 60) end
if tpm > 0 then t = math.min(tpm, t + elapsed * tpm / 60) end
"""

_STORE = """
redis.call('HSET', KEYS[1], 'r', string.format('%.17g', r), 't', string.format('%.17g', t),
           'ts', string.format('%.17g', math.max(now, ts)))
local full = 60
if rpm > 0 then full = math.max(full, (rpm - r) * 60 / rpm) end
if tpm > 0 then full = math.max(full, (tpm - t) * 60 / tpm) end
redis.call('PEXPIRE', KEYS[1], math.ceil(full * 1000) + 1000)
"""

# KEYS[1] bucket; ARGV now, rpm (0 = none), tpm (0 = none), tokens
_ACQUIRE = (
    _REFILL
    + """
local need = math.min(math.max(tonumber(ARGV[4]), 0), tpm)
local wait = 0
if rpm > 0 and r < 1 then wait = (1 - r) * 60 / rpm end
if tpm > 0 and t < need then wait = math.max(wait, (need - t) * 60 / tpm) end
local ok = 0
if wait == 0 then
  ok = 1
  if rpm > 0 then r = r - 1 end
  if tpm > 0 then t = t - need end
end
"""
    + _STORE
    + """
return {ok, string.format('%.17g', r), string.format('%.17g', t), string.format('%.17g', wait)}
"""
)

# KEYS[1] bucket; ARGV now, rpm, tpm, requests back, tokens back (negative takes more)
_ADJUST = (
    _REFILL
    + """
if rpm > 0 then r = math.min(rpm, r + tonumber(ARGV[4])) end
if tpm > 0 then t = math.min(tpm, t + tonumber(ARGV[5])) end
"""
    + _STORE
    + "return 1\n"
)

# KEYS[1] counter; ARGV limit, amount, expire-at (0 = never). Returns {ok, used}.
_RESERVE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[1])
local amount = tonumber(ARGV[2])
if used >= limit or used + amount > limit then return {0, tostring(used)} end
used = redis.call('INCRBY', KEYS[1], amount)
local at = tonumber(ARGV[3])
if at > 0 then redis.call('EXPIREAT', KEYS[1], at) end
return {1, tostring(used)}
"""


def connect(url: str, *, max_connections: int = 64, timeout_s: float = 5.0) -> aioredis.Redis:
    if aioredis is None:
        raise ConfigError("limits.backend", "redis needs redis-py: pip install 'laneway[redis]'")
    # A blocking pool: a burst of requests waits for a connection instead of failing.
    pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=timeout_s)
    client: aioredis.Redis = aioredis.Redis.from_pool(pool)
    return client


async def _guarded(call: Callable[[], Awaitable[_T]]) -> _T:
    try:
        return await call()
    except RedisError as exc:
        raise LimitsUnavailableError(
            f"Rate limits and budgets are unavailable: {type(exc).__name__}"
        ) from exc


class RedisRateLimiter:
    def __init__(self, client: aioredis.Redis, *, prefix: str = "laneway:") -> None:
        self.client = client
        self.prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._adjust = client.register_script(_ADJUST)

    def _key(self, key: str) -> str:
        return f"{self.prefix}rl:{key}"

    async def acquire(
        self, key: str, *, rpm: int | None, tpm: int | None, tokens: int, now: float
    ) -> RateDecision:
        args: list[str | int] = [repr(now), rpm or 0, tpm or 0, tokens]
        reply: list[Any] = await _guarded(lambda: self._acquire(keys=[self._key(key)], args=args))
        ok, r, t, wait = int(reply[0]), float(reply[1]), float(reply[2]), float(reply[3])
        return bucket_decision(bool(ok), rpm, tpm, r, t, wait)

    async def adjust(
        self, key: str, *, rpm: int | None, tpm: int | None, requests: int, tokens: int, now: float
    ) -> None:
        args: list[str | int] = [repr(now), rpm or 0, tpm or 0, requests, tokens]
        await _guarded(lambda: self._adjust(keys=[self._key(key)], args=args))


class RedisBudgetGuard:
    def __init__(self, client: aioredis.Redis, *, prefix: str = "laneway:") -> None:
        self.client = client
        self.prefix = prefix
        self._reserve = client.register_script(_RESERVE)

    def _key(self, key_id: str, period_key: str) -> str:
        return f"{self.prefix}budget:{key_id}:{period_key}"

    async def reserve(
        self,
        key_id: str,
        period_key: str,
        *,
        limit_usd: float,
        amount_usd: float,
        expires_at: float | None = None,
    ) -> BudgetCheck:
        amount, limit = to_nano(amount_usd, up=True), to_nano(limit_usd)
        at = 0 if expires_at is None else int(expires_at) + 86_400  # a day's grace for late settles
        args = [limit, amount, at]
        reply: list[Any] = await _guarded(
            lambda: self._reserve(keys=[self._key(key_id, period_key)], args=args)
        )
        ok, used = int(reply[0]), int(reply[1])
        remaining = max(0, limit - used) / NANO
        if not ok:
            return BudgetCheck(False, used / NANO, remaining, None)
        return BudgetCheck(
            True, used / NANO, remaining, BudgetReservation(key_id, period_key, amount, expires_at)
        )

    async def settle(self, reservation: BudgetReservation, actual_usd: float) -> None:
        delta = to_nano(actual_usd) - reservation.amount_nano
        if delta:
            key = self._key(reservation.key_id, reservation.period_key)
            await _guarded(lambda: self.client.incrby(key, delta))

    async def used(self, key_id: str, period_key: str) -> float:
        value = await _guarded(lambda: self.client.get(self._key(key_id, period_key)))
        return 0.0 if value is None else int(value) / NANO
