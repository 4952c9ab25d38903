"""In-process rate limits and budgets: one worker process only (the default).

Each check-and-update runs without an ``await`` in between, so it is atomic on the event loop.
Several workers or replicas would each keep their own counters: use the Redis backend for those
(``laneway serve`` refuses ``--workers N`` with this backend).
"""

from __future__ import annotations

from dataclasses import dataclass

from laneway.limits.base import (
    NANO,
    WINDOW_S,
    BudgetCheck,
    BudgetReservation,
    RateDecision,
    bucket_decision,
    check_budget,
    to_nano,
)


@dataclass(slots=True)
class _Buckets:
    requests: float
    tokens: float
    ts: float

    def refill(self, rpm: int | None, tpm: int | None, now: float) -> None:
        elapsed = max(0.0, now - self.ts)
        self.ts = max(self.ts, now)
        if rpm is not None:
            self.requests = min(float(rpm), self.requests + elapsed * rpm / WINDOW_S)
        if tpm is not None:
            self.tokens = min(float(tpm), self.tokens + elapsed * tpm / WINDOW_S)


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[str, _Buckets] = {}

    def _get(self, key: str, rpm: int | None, tpm: int | None, now: float) -> _Buckets:
        buckets = self._buckets.get(key)
        if buckets is None:
            buckets = self._buckets[key] = _Buckets(float(rpm or 0), float(tpm or 0), now)
        buckets.refill(rpm, tpm, now)
        return buckets

    async def acquire(
        self, key: str, *, rpm: int | None, tpm: int | None, tokens: int, now: float
    ) -> RateDecision:
        b = self._get(key, rpm, tpm, now)
        wait = 0.0
        need = 0.0 if tpm is None else float(min(max(tokens, 0), tpm))
        if rpm is not None and b.requests < 1:
            wait = (1 - b.requests) * WINDOW_S / rpm
        if tpm is not None and b.tokens < need:
            wait = max(wait, (need - b.tokens) * WINDOW_S / tpm)
        allowed = wait == 0.0
        if allowed:
            if rpm is not None:
                b.requests -= 1
            if tpm is not None:
                b.tokens -= need
        return bucket_decision(allowed, rpm, tpm, b.requests, b.tokens, wait)

    async def adjust(
        self, key: str, *, rpm: int | None, tpm: int | None, requests: int, tokens: int, now: float
    ) -> None:
        b = self._get(key, rpm, tpm, now)
        if rpm is not None:
            b.requests = min(float(rpm), b.requests + requests)
        if tpm is not None:
            b.tokens = min(float(tpm), b.tokens + tokens)


class MemoryBudgetGuard:
    def __init__(self) -> None:
        self._used: dict[tuple[str, str], int] = {}

    async def reserve(
        self,
        key_id: str,
        period_key: str,
        *,
        limit_usd: float,
        amount_usd: float,
        expires_at: float | None = None,
    ) -> BudgetCheck:
        slot = (key_id, period_key)
        used = self._used.get(slot, 0)
        amount, limit = to_nano(amount_usd, up=True), to_nano(limit_usd)
        if not check_budget(used, limit, amount):
            return BudgetCheck(False, used / NANO, max(0, limit - used) / NANO, None)
        used = self._used[slot] = used + amount
        return BudgetCheck(True, used / NANO, max(0, limit - used) / NANO, BudgetReservation(
            key_id, period_key, amount, expires_at
        ))  # fmt: skip

    async def settle(self, reservation: BudgetReservation, actual_usd: float) -> None:
        slot = (reservation.key_id, reservation.period_key)
        self._used[slot] = self._used.get(slot, 0) + to_nano(actual_usd) - reservation.amount_nano

    async def used(self, key_id: str, period_key: str) -> float:
        return self._used.get((key_id, period_key), 0) / NANO
