"""In-process rate limits and budgets: one worker process only (the default).

Each check-and-update runs without an ``await`` in between, so it is atomic on the event loop.
Several workers or replicas would each keep their own counters: use the Redis backend for those
(``laneway serve`` refuses ``--workers N`` with this backend).

Memory stays bounded the way Redis's expiries bound it there: at most once a minute (driven by the
``now`` callers pass in), buckets that have refilled to full are dropped (a missing bucket is a
full one), and budget counters a day past the end of their period.
"""

from __future__ import annotations

from dataclasses import dataclass

from laneway.limits.base import (
    NANO,
    WINDOW_S,
    BudgetAsk,
    BudgetCheck,
    BudgetGuard,
    BudgetReservation,
    RateDecision,
    RateLimiter,
    Settlement,
    Take,
    Taken,
    bucket_decision,
    check_budget,
    to_nano,
)

#: How often (in the callers' time) full buckets and ended budget periods are dropped.
PRUNE_EVERY_S = 60.0
#: A budget counter outlives its period by this long, for settles that arrive late (as in Redis).
BUDGET_GRACE_S = 86_400.0


@dataclass(slots=True)
class _Buckets:
    requests: float
    tokens: float
    ts: float
    full_at: float  # when both buckets are full again at the last limits seen (then droppable)

    def refill(self, rpm: int | None, tpm: int | None, now: float) -> None:
        elapsed = now - self.ts
        if elapsed <= 0.0:
            return
        self.ts = now
        if rpm is not None:
            self.requests = min(float(rpm), self.requests + elapsed * rpm / WINDOW_S)
        if tpm is not None:
            self.tokens = min(float(tpm), self.tokens + elapsed * tpm / WINDOW_S)

    def wait(self, rpm: int | None, tpm: int | None, need: float) -> float:
        """Seconds until one request and ``need`` tokens are there (0: now)."""
        wait = 0.0
        if rpm is not None and self.requests < 1:
            wait = (1 - self.requests) * WINDOW_S / rpm
        if tpm is not None and self.tokens < need:
            wait = max(wait, (need - self.tokens) * WINDOW_S / tpm)
        return wait

    def add(self, rpm: int | None, tpm: int | None, requests: float, tokens: float) -> None:
        """Take (negative) or give back (positive), capped at the limits; note when full again."""
        full = 0.0
        if rpm is not None:
            self.requests = min(float(rpm), self.requests + requests)
            full = (rpm - self.requests) * WINDOW_S / rpm
        if tpm is not None:
            self.tokens = min(float(tpm), self.tokens + tokens)
            full = max(full, (tpm - self.tokens) * WINDOW_S / tpm)
        self.full_at = self.ts + full


def _need(tpm: int | None, tokens: int) -> float:
    return 0.0 if tpm is None else float(min(max(tokens, 0), tpm))


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[str, _Buckets] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def get(self, key: str, rpm: int | None, tpm: int | None, now: float) -> _Buckets:
        buckets = self._buckets.get(key)
        if buckets is None:
            buckets = self._buckets[key] = _Buckets(float(rpm or 0), float(tpm or 0), now, now)
        else:
            buckets.refill(rpm, tpm, now)
        return buckets

    async def acquire(
        self, key: str, *, rpm: int | None, tpm: int | None, tokens: int, now: float
    ) -> RateDecision:
        b = self.get(key, rpm, tpm, now)
        need = _need(tpm, tokens)
        wait = b.wait(rpm, tpm, need)
        if wait == 0.0:
            b.add(rpm, tpm, -1, -need)
        return bucket_decision(wait == 0.0, rpm, tpm, b.requests, b.tokens, wait)

    async def adjust(
        self, key: str, *, rpm: int | None, tpm: int | None, requests: int, tokens: int, now: float
    ) -> None:
        self.get(key, rpm, tpm, now).add(rpm, tpm, requests, tokens)

    def prune(self, now: float) -> None:
        """Drop buckets that are full again (the next take starts a fresh, full one)."""
        full = [key for key, b in self._buckets.items() if b.full_at <= now]
        for key in full:
            del self._buckets[key]


class MemoryBudgetGuard:
    def __init__(self) -> None:
        self._used: dict[tuple[str, str], int] = {}
        self._drop_at: dict[tuple[str, str], float] = {}

    def __len__(self) -> int:
        return len(self._used)

    def take(self, ask: BudgetAsk) -> BudgetCheck:
        slot = (ask.key_id, ask.period_key)
        used = self._used.get(slot, 0)
        amount, limit = to_nano(ask.amount_usd, up=True), to_nano(ask.limit_usd)
        if not check_budget(used, limit, amount):
            return BudgetCheck(False, used / NANO, max(0, limit - used) / NANO, None)
        used = self._used[slot] = used + amount
        if ask.expires_at is not None:
            self._drop_at[slot] = ask.expires_at + BUDGET_GRACE_S
        return BudgetCheck(True, used / NANO, max(0, limit - used) / NANO, BudgetReservation(
            ask.key_id, ask.period_key, amount, ask.expires_at
        ))  # fmt: skip

    async def reserve(
        self,
        key_id: str,
        period_key: str,
        *,
        limit_usd: float,
        amount_usd: float,
        expires_at: float | None = None,
    ) -> BudgetCheck:
        return self.take(BudgetAsk(key_id, period_key, limit_usd, amount_usd, expires_at))

    async def settle(self, reservation: BudgetReservation, actual_usd: float) -> None:
        self.charge(reservation, actual_usd)

    def charge(self, reservation: BudgetReservation, actual_usd: float) -> None:
        """Replace the reservation by ``actual_usd``; a counter already dropped stays dropped."""
        slot = (reservation.key_id, reservation.period_key)
        used = self._used.get(slot)
        if used is not None:
            self._used[slot] = used + to_nano(actual_usd) - reservation.amount_nano

    async def used(self, key_id: str, period_key: str) -> float:
        return self._used.get((key_id, period_key), 0) / NANO

    def prune(self, now: float) -> None:
        """Drop counters a grace day past the end of their period."""
        ended = [slot for slot, at in self._drop_at.items() if at <= now]
        for slot in ended:
            del self._drop_at[slot]
            self._used.pop(slot, None)


class MemoryLimits:
    """Both in one process; :meth:`admit` and :meth:`settle` touch them without awaiting."""

    shared = False

    def __init__(self) -> None:
        self._limiter = MemoryRateLimiter()
        self._budget = MemoryBudgetGuard()
        self._prune_at = 0.0

    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    @property
    def budget(self) -> BudgetGuard:
        return self._budget

    @property
    def sizes(self) -> tuple[int, int]:
        """How many bucket pairs and budget counters are held (memory stays bounded)."""
        return len(self._limiter), len(self._budget)

    def prune(self, now: float) -> None:
        self._prune_at = now + PRUNE_EVERY_S
        self._limiter.prune(now)
        self._budget.prune(now)

    async def admit(self, take: Take) -> Taken:
        now = take.now
        if now >= self._prune_at:
            self.prune(now)
        held: list[_Buckets] = []
        for i, bucket in enumerate(take.buckets):
            b = self._limiter.get(bucket.name, bucket.rpm, bucket.tpm, now)
            wait = b.wait(bucket.rpm, bucket.tpm, _need(bucket.tpm, take.tokens))
            if wait:
                refused = bucket_decision(False, bucket.rpm, bucket.tpm, b.requests, b.tokens, wait)
                return Taken((refused,), refused_by=i)
            held.append(b)
        check = None if take.budget is None else self._budget.take(take.budget)
        if check is not None and not check.ok:
            return Taken((), check)
        rates: list[RateDecision] = []
        for bucket, b in zip(take.buckets, held, strict=True):
            b.add(bucket.rpm, bucket.tpm, -1, -_need(bucket.tpm, take.tokens))
            rates.append(bucket_decision(True, bucket.rpm, bucket.tpm, b.requests, b.tokens, 0.0))
        return Taken(tuple(rates), check)

    async def settle(self, settlement: Settlement) -> None:
        if settlement.reservation is not None:
            self._budget.charge(settlement.reservation, settlement.actual_usd)
        for bucket in settlement.buckets:
            b = self._limiter.get(bucket.name, bucket.rpm, bucket.tpm, settlement.now)
            b.add(bucket.rpm, bucket.tpm, settlement.requests, settlement.tokens)

    async def close(self) -> None:
        return None
