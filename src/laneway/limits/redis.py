"""Rate limits and budgets in Redis, shared by every worker and replica.

Every check-and-update is one Lua script, so it is atomic across processes. A request costs two
round trips: :meth:`RedisLimits.admit` checks and takes every bucket and the budget reservation in
one script (all or none), :meth:`RedisLimits.settle` gives back and charges in another. Bucket levels are
kept as strings (Lua numbers are doubles; a Redis reply would truncate them to integers); budget
counters are integer nano-dollars. When Redis cannot be reached the call raises
:class:`~laneway.errors.LimitsUnavailableError` (503): laneway fails closed rather than admit
requests it cannot meter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from laneway.errors import LimitsUnavailableError
from laneway.limits.base import (
    NANO,
    BudgetCheck,
    BudgetGuard,
    BudgetReservation,
    RateDecision,
    RateLimiter,
    Settlement,
    Take,
    Taken,
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

# Save one bucket pair; it expires once it would have refilled to full (a missing one is full).
_STORE_FN = """
local function store(key, r, t, ts, rpm, tpm)
  redis.call('HSET', key, 'r', string.format('%.17g', r), 't', string.format('%.17g', t),
             'ts', string.format('%.17g', ts))
  local full = 60
  if rpm > 0 then full = math.max(full, (rpm - r) * 60 / rpm) end
  if tpm > 0 then full = math.max(full, (tpm - t) * 60 / tpm) end
  redis.call('PEXPIRE', key, math.ceil(full * 1000) + 1000)
end
local function level(key, now, rpm, tpm)
  local s = redis.call('HMGET', key, 'r', 't', 'ts')
  local ts = tonumber(s[3]) or now
  local elapsed = math.max(0, now - ts)
  local r = tonumber(s[1]) or rpm
  local t = tonumber(s[2]) or tpm
  if rpm > 0 then r = math.min(rpm, r + elapsed * rpm / 60) end
  if tpm > 0 then t = math.min(tpm, t + elapsed * tpm / 60) end
  return r, t, math.max(now, ts)
end
"""

# One admission, all or none. KEYS: n bucket pairs, then the budget counter (when limit >= 0).
# ARGV: now, tokens, n, limit (-1: no budget), amount, expire-at (0: never), then rpm, tpm per
# bucket (0: none). Returns {i, r, t, wait} when bucket i refused, {-1, used} when the budget did,
# else {0, used, r1, t1, r2, t2, ...} (levels after the take).
_ADMIT = (
    _STORE_FN
    + """
local now, tokens, n = tonumber(ARGV[1]), math.max(tonumber(ARGV[2]), 0), tonumber(ARGV[3])
local taken = {}
for i = 1, n do
  local rpm, tpm = tonumber(ARGV[5 + 2 * i]), tonumber(ARGV[6 + 2 * i])
  local r, t, ts = level(KEYS[i], now, rpm, tpm)
  local need = math.min(tokens, tpm)
  local wait = 0
  if rpm > 0 and r < 1 then wait = (1 - r) * 60 / rpm end
  if tpm > 0 and t < need then wait = math.max(wait, (need - t) * 60 / tpm) end
  if wait > 0 then
    return {i, string.format('%.17g', r), string.format('%.17g', t), string.format('%.17g', wait)}
  end
  if rpm > 0 then r = r - 1 end
  if tpm > 0 then t = t - need end
  taken[i] = {r, t, ts, rpm, tpm}
end
local used = 0
local limit = tonumber(ARGV[4])
if limit >= 0 then
  local budget = KEYS[n + 1]
  local amount = tonumber(ARGV[5])
  used = tonumber(redis.call('GET', budget) or '0')
  if used >= limit or used + amount > limit then return {-1, used} end
  used = redis.call('INCRBY', budget, amount)
  local at = tonumber(ARGV[6])
  if at > 0 then redis.call('EXPIREAT', budget, at) end
end
local out = {0, used}
for i = 1, n do
  local b = taken[i]
  store(KEYS[i], b[1], b[2], b[3], b[4], b[5])
  out[#out + 1] = string.format('%.17g', b[1])
  out[#out + 1] = string.format('%.17g', b[2])
end
return out
"""
)

# One settlement. KEYS: n bucket pairs, then the budget counter (when ARGV[5] is 1). ARGV: now,
# requests back, tokens back (negative takes more), n, 1/0, budget delta, then rpm, tpm per
# bucket. A counter already expired (its period ended a day ago) is not brought back.
_SETTLE = (
    _STORE_FN
    + """
local now, requests, tokens, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, n do
  local rpm, tpm = tonumber(ARGV[5 + 2 * i]), tonumber(ARGV[6 + 2 * i])
  local r, t, ts = level(KEYS[i], now, rpm, tpm)
  if rpm > 0 then r = math.min(rpm, r + requests) end
  if tpm > 0 then t = math.min(tpm, t + tokens) end
  store(KEYS[i], r, t, ts, rpm, tpm)
end
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[n + 1]) == 1 then
  redis.call('INCRBY', KEYS[n + 1], ARGV[6])
end
return 1
"""
)


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

    def redis_key(self, key: str) -> str:
        return f"{self.prefix}rl:{key}"

    async def acquire(
        self, key: str, *, rpm: int | None, tpm: int | None, tokens: int, now: float
    ) -> RateDecision:
        args: list[str | int] = [repr(now), rpm or 0, tpm or 0, tokens]
        reply: list[Any] = await _guarded(lambda: self._acquire(keys=[self.redis_key(key)], args=args))
        ok, r, t, wait = int(reply[0]), float(reply[1]), float(reply[2]), float(reply[3])
        return bucket_decision(bool(ok), rpm, tpm, r, t, wait)

    async def adjust(
        self, key: str, *, rpm: int | None, tpm: int | None, requests: int, tokens: int, now: float
    ) -> None:
        args: list[str | int] = [repr(now), rpm or 0, tpm or 0, requests, tokens]
        await _guarded(lambda: self._adjust(keys=[self.redis_key(key)], args=args))


class RedisBudgetGuard:
    def __init__(self, client: aioredis.Redis, *, prefix: str = "laneway:") -> None:
        self.client = client
        self.prefix = prefix
        self._reserve = client.register_script(_RESERVE)
        self._settle = client.register_script(_SETTLE)

    def redis_key(self, key_id: str, period_key: str) -> str:
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
        args = [limit, amount, _expire_at(expires_at)]
        reply: list[Any] = await _guarded(
            lambda: self._reserve(keys=[self.redis_key(key_id, period_key)], args=args)
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
            keys = [self.redis_key(reservation.key_id, reservation.period_key)]
            args: list[str | int] = ["0", 0, 0, 0, 1, delta]
            await _guarded(lambda: self._settle(keys=keys, args=args))

    async def used(self, key_id: str, period_key: str) -> float:
        value = await _guarded(lambda: self.client.get(self.redis_key(key_id, period_key)))
        return 0.0 if value is None else int(value) / NANO


def _expire_at(expires_at: float | None) -> int:
    return 0 if expires_at is None else int(expires_at) + 86_400  # a day's grace for late settles


class RedisLimits:
    """Both in one Redis: one script to admit, one to settle (each one round trip)."""

    shared = True

    def __init__(self, client: aioredis.Redis, *, prefix: str = "laneway:") -> None:
        self.client = client
        self._limiter = RedisRateLimiter(client, prefix=prefix)
        self._budget = RedisBudgetGuard(client, prefix=prefix)
        self._admit = client.register_script(_ADMIT)
        self._settle = client.register_script(_SETTLE)

    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    @property
    def budget(self) -> BudgetGuard:
        return self._budget

    async def admit(self, take: Take) -> Taken:
        buckets, ask = take.buckets, take.budget
        keys = [self._limiter.redis_key(b.name) for b in buckets]
        args: list[str | int] = [repr(take.now), take.tokens, len(buckets)]
        amount = limit = 0
        if ask is None:
            args += [-1, 0, 0]
        else:
            amount, limit = to_nano(ask.amount_usd, up=True), to_nano(ask.limit_usd)
            keys.append(self._budget.redis_key(ask.key_id, ask.period_key))
            args += [limit, amount, _expire_at(ask.expires_at)]
        for b in buckets:
            args += [b.rpm or 0, b.tpm or 0]
        reply: list[Any] = await _guarded(lambda: self._admit(keys=keys, args=args))
        status = int(reply[0])
        if status > 0:
            b = buckets[status - 1]
            r, t, wait = float(reply[1]), float(reply[2]), float(reply[3])
            return Taken((bucket_decision(False, b.rpm, b.tpm, r, t, wait),), refused_by=status - 1)
        check: BudgetCheck | None = None
        if ask is not None:
            used = int(reply[1])
            remaining = max(0, limit - used) / NANO
            if status < 0:
                return Taken((), BudgetCheck(False, used / NANO, remaining, None))
            reservation = BudgetReservation(ask.key_id, ask.period_key, amount, ask.expires_at)
            check = BudgetCheck(True, used / NANO, remaining, reservation)
        rates = tuple(
            bucket_decision(True, b.rpm, b.tpm, float(reply[2 + 2 * i]), float(reply[3 + 2 * i]), 0.0)
            for i, b in enumerate(buckets)
        )
        return Taken(rates, check)

    async def settle(self, settlement: Settlement) -> None:
        buckets, reservation = settlement.buckets, settlement.reservation
        delta = 0 if reservation is None else to_nano(settlement.actual_usd) - reservation.amount_nano
        if not buckets and not delta:
            return
        keys = [self._limiter.redis_key(b.name) for b in buckets]
        args: list[str | int] = [
            repr(settlement.now),
            settlement.requests,
            settlement.tokens,
            len(buckets),
            0,
            0,
        ]
        if reservation is not None and delta:
            keys.append(self._budget.redis_key(reservation.key_id, reservation.period_key))
            args[4:6] = [1, delta]
        for b in buckets:
            args += [b.rpm or 0, b.tpm or 0]
        await _guarded(lambda: self._settle(keys=keys, args=args))

    async def close(self) -> None:
        await self.client.aclose()
