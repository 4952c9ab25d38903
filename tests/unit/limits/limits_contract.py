"""The RateLimiter and BudgetGuard contracts: every backend must pass them.

Subclass with a ``limits`` fixture returning a :class:`~laneway.limits.base.Limits` (memory here,
Redis in tests/integration). Time is a number passed in; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from laneway.limits.base import Bucket, BudgetAsk, Limits, Settlement, Take

T0 = 1_800_000_000.0


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class RateLimiterContract:
    async def test_burst_admits_exactly_rpm_requests(self, limits: Limits) -> None:
        key = _name("k")
        got = [await limits.limiter.acquire(key, rpm=10, tpm=None, tokens=5, now=T0) for _ in range(15)]
        assert sum(d.allowed for d in got) == 10
        assert [d.allowed for d in got[:10]] == [True] * 10

    async def test_refused_request_says_when_to_retry_and_what_is_left(self, limits: Limits) -> None:
        key = _name("k")
        for _ in range(6):
            await limits.limiter.acquire(key, rpm=6, tpm=None, tokens=0, now=T0)
        refused = await limits.limiter.acquire(key, rpm=6, tpm=None, tokens=0, now=T0)
        assert not refused.allowed
        assert refused.retry_after_s == pytest.approx(10.0)  # 6 rpm refills one every 10 s
        headers = refused.headers()
        assert headers["x-ratelimit-limit-requests"] == "6"
        assert headers["x-ratelimit-remaining-requests"] == "0"
        assert headers["x-ratelimit-reset-requests"] == "1m0s"
        assert "x-ratelimit-limit-tokens" not in headers

    async def test_buckets_refill_with_time(self, limits: Limits) -> None:
        key = _name("k")
        for _ in range(6):
            await limits.limiter.acquire(key, rpm=6, tpm=None, tokens=0, now=T0)
        assert not (await limits.limiter.acquire(key, rpm=6, tpm=None, tokens=0, now=T0 + 9.9)).allowed
        assert (await limits.limiter.acquire(key, rpm=6, tpm=None, tokens=0, now=T0 + 10.0)).allowed
        assert not (await limits.limiter.acquire(key, rpm=6, tpm=None, tokens=0, now=T0 + 10.0)).allowed
        later = await limits.limiter.acquire(key, rpm=6, tpm=None, tokens=0, now=T0 + 1000)
        assert later.allowed and later.remaining_requests == 5  # refills to the limit, not past it

    async def test_tokens_per_minute_hold_and_a_refusal_takes_nothing(self, limits: Limits) -> None:
        key = _name("k")
        assert (await limits.limiter.acquire(key, rpm=100, tpm=1000, tokens=700, now=T0)).allowed
        refused = await limits.limiter.acquire(key, rpm=100, tpm=1000, tokens=400, now=T0)
        assert not refused.allowed
        assert refused.remaining_tokens == 300
        assert refused.remaining_requests == 99  # both or neither: the request was not taken
        assert refused.retry_after_s == pytest.approx(6.0)  # 100 tokens at 1000/min
        assert (await limits.limiter.acquire(key, rpm=100, tpm=1000, tokens=300, now=T0)).allowed

    async def test_a_request_larger_than_tpm_waits_for_a_full_bucket(self, limits: Limits) -> None:
        key = _name("k")
        assert (await limits.limiter.acquire(key, rpm=None, tpm=100, tokens=5000, now=T0)).allowed
        assert not (await limits.limiter.acquire(key, rpm=None, tpm=100, tokens=1, now=T0)).allowed

    async def test_adjust_gives_back_and_takes_more(self, limits: Limits) -> None:
        key = _name("k")
        await limits.limiter.acquire(key, rpm=2, tpm=1000, tokens=1000, now=T0)
        await limits.limiter.adjust(key, rpm=2, tpm=1000, requests=1, tokens=600, now=T0)
        d = await limits.limiter.acquire(key, rpm=2, tpm=1000, tokens=600, now=T0)
        assert d.allowed and d.remaining_requests == 1 and d.remaining_tokens == 0
        await limits.limiter.adjust(key, rpm=2, tpm=1000, requests=0, tokens=-500, now=T0)  # debt
        assert not (await limits.limiter.acquire(key, rpm=2, tpm=1000, tokens=1, now=T0 + 29)).allowed
        assert (await limits.limiter.acquire(key, rpm=2, tpm=1000, tokens=1, now=T0 + 31)).allowed

    async def test_keys_are_independent(self, limits: Limits) -> None:
        a, b = _name("a"), _name("b")
        await limits.limiter.acquire(a, rpm=1, tpm=None, tokens=0, now=T0)
        assert not (await limits.limiter.acquire(a, rpm=1, tpm=None, tokens=0, now=T0)).allowed
        assert (await limits.limiter.acquire(b, rpm=1, tpm=None, tokens=0, now=T0)).allowed

    async def test_rpm_holds_under_500_concurrent_acquires(self, limits: Limits) -> None:
        key = _name("k")
        got = await asyncio.gather(
            *(limits.limiter.acquire(key, rpm=37, tpm=None, tokens=1, now=T0) for _ in range(500))
        )
        assert sum(d.allowed for d in got) == 37


class BudgetGuardContract:
    async def test_reserve_within_budget_then_refuse(self, limits: Limits) -> None:
        key = _name("key")
        first = await limits.budget.reserve(key, "total", limit_usd=1.0, amount_usd=0.6)
        assert first.ok and first.reservation is not None
        assert first.remaining_usd == pytest.approx(0.4)
        second = await limits.budget.reserve(key, "total", limit_usd=1.0, amount_usd=0.6)
        assert not second.ok and second.reservation is None
        assert await limits.budget.used(key, "total") == pytest.approx(0.6)  # a refusal adds nothing

    async def test_settle_releases_the_unused_part(self, limits: Limits) -> None:
        key = _name("key")
        check = await limits.budget.reserve(key, "day:2027-01-15", limit_usd=1.0, amount_usd=0.9)
        assert check.reservation is not None
        await limits.budget.settle(check.reservation, 0.25)
        assert await limits.budget.used(key, "day:2027-01-15") == pytest.approx(0.25)
        again = await limits.budget.reserve(key, "day:2027-01-15", limit_usd=1.0, amount_usd=0.75)
        assert again.ok

    async def test_settle_to_zero_releases_everything(self, limits: Limits) -> None:
        key = _name("key")
        check = await limits.budget.reserve(key, "total", limit_usd=0.01, amount_usd=0.01)
        assert check.reservation is not None
        await limits.budget.settle(check.reservation, 0.0)
        assert await limits.budget.used(key, "total") == 0.0

    async def test_an_exhausted_budget_refuses_even_a_free_request(self, limits: Limits) -> None:
        key = _name("key")
        check = await limits.budget.reserve(key, "total", limit_usd=0.5, amount_usd=0.1)
        assert check.reservation is not None
        await limits.budget.settle(check.reservation, 0.7)  # the reply cost more than reserved
        assert not (await limits.budget.reserve(key, "total", limit_usd=0.5, amount_usd=0.0)).ok

    async def test_periods_are_separate_counters(self, limits: Limits) -> None:
        key = _name("key")
        assert (await limits.budget.reserve(key, "day:2027-01-15", limit_usd=1.0, amount_usd=1.0)).ok
        assert not (await limits.budget.reserve(key, "day:2027-01-15", limit_usd=1.0, amount_usd=0.1)).ok
        assert (await limits.budget.reserve(key, "day:2027-01-16", limit_usd=1.0, amount_usd=0.1)).ok

    async def test_budget_holds_under_500_concurrent_reservations(self, limits: Limits) -> None:
        key = _name("key")
        amount, limit = 0.0123, 1.0
        checks = await asyncio.gather(
            *(limits.budget.reserve(key, "total", limit_usd=limit, amount_usd=amount) for _ in range(500))
        )
        admitted = sum(c.ok for c in checks)
        assert admitted == int(limit // amount)  # 81: never more than the budget covers
        assert await limits.budget.used(key, "total") <= limit
        await asyncio.gather(
            *(limits.budget.settle(c.reservation, amount / 2) for c in checks if c.reservation)
        )
        assert await limits.budget.used(key, "total") == pytest.approx(admitted * amount / 2)


class LimitsContract:
    """:meth:`Limits.admit` / :meth:`Limits.settle`: what the gateway calls once each per request."""

    async def test_admit_takes_every_bucket_and_the_budget_at_once(self, limits: Limits) -> None:
        model, key, kid = Bucket(_name("model"), None, 1000), Bucket(_name("key"), 3, 500), _name("kid")
        got = await limits.admit(Take((model, key), 200, T0, BudgetAsk(kid, "total", 1.0, 0.25)))
        assert got.ok and got.refused_by is None
        assert [d.remaining_tokens for d in got.rates] == [800, 300]
        assert got.rates[1].remaining_requests == 2
        assert got.budget is not None and got.budget.reservation is not None
        assert got.budget.remaining_usd == pytest.approx(0.75)
        assert await limits.budget.used(kid, "total") == pytest.approx(0.25)
        headers = got.headers()  # the key's limits win over the model's
        assert headers["x-ratelimit-limit-tokens"] == "500"
        assert headers["x-ratelimit-remaining-tokens"] == "300"
        assert headers["x-ratelimit-limit-requests"] == "3"
        assert headers["x-ratelimit-remaining-requests"] == "2"
        assert headers["x-ratelimit-reset-requests"] == "20s"

    async def test_a_refusing_bucket_takes_nothing_from_the_others_or_the_budget(
        self, limits: Limits
    ) -> None:
        model, key, kid = Bucket(_name("model"), None, 1000), Bucket(_name("key"), 1, None), _name("kid")
        ask = BudgetAsk(kid, "total", 1.0, 0.25)
        assert (await limits.admit(Take((model, key), 100, T0, ask))).ok
        refused = await limits.admit(Take((model, key), 100, T0, ask))
        assert not refused.ok and refused.refused_by == 1 and refused.budget is None
        (rate,) = refused.rates
        assert not rate.allowed and rate.retry_after_s == pytest.approx(60.0)
        assert rate.headers()["x-ratelimit-remaining-requests"] == "0"
        assert await limits.budget.used(kid, "total") == pytest.approx(0.25)
        # the model's tokens were not taken by the refused request: 900 are still there
        assert (await limits.admit(Take((model,), 900, T0))).ok
        saturated = await limits.admit(Take((model, key), 1, T0, ask))  # the model refuses first
        assert saturated.refused_by == 0 and saturated.rates[0].limit_tokens == 1000
        assert saturated.rates[0].remaining_tokens == 0
        assert await limits.budget.used(kid, "total") == pytest.approx(0.25)

    async def test_a_refused_budget_takes_no_rate(self, limits: Limits) -> None:
        key, kid = Bucket(_name("key"), 2, 1000), _name("kid")
        assert (await limits.admit(Take((key,), 10, T0, BudgetAsk(kid, "total", 0.1, 0.08)))).ok
        refused = await limits.admit(Take((key,), 10, T0, BudgetAsk(kid, "total", 0.1, 0.08)))
        assert not refused.ok and refused.refused_by is None and refused.rates == ()
        assert refused.budget is not None and not refused.budget.ok
        assert refused.budget.remaining_usd == pytest.approx(0.02)
        assert await limits.budget.used(kid, "total") == pytest.approx(0.08)
        last = await limits.admit(Take((key,), 10, T0, BudgetAsk(kid, "total", 0.1, 0.02)))
        assert last.ok and last.rates[0].remaining_requests == 0  # one request left after the refusal

    async def test_settle_gives_back_and_charges_the_real_cost(self, limits: Limits) -> None:
        model, key, kid = Bucket(_name("model"), None, 1000), Bucket(_name("key"), 2, 1000), _name("kid")
        got = await limits.admit(Take((model, key), 900, T0, BudgetAsk(kid, "day:2027-01-15", 1.0, 0.9)))
        assert got.budget is not None and got.budget.reservation is not None
        await limits.settle(Settlement((model, key), 1, 800, T0, got.budget.reservation, 0.1))
        assert await limits.budget.used(kid, "day:2027-01-15") == pytest.approx(0.1)
        again = await limits.admit(Take((model, key), 900, T0, BudgetAsk(kid, "day:2027-01-15", 1.0, 0.9)))
        assert again.ok and again.rates[1].remaining_requests == 1  # the request came back too
        assert again.rates[0].remaining_tokens == 0
        await limits.settle(Settlement((key,), 0, -500, T0))  # used more than estimated: debt
        assert not (await limits.admit(Take((key,), 1, T0 + 29))).ok

    async def test_admit_with_nothing_to_take_admits(self, limits: Limits) -> None:
        got = await limits.admit(Take((), 10_000, T0))
        assert got.ok and got.rates == () and got.budget is None
        await limits.settle(Settlement((), 0, 0, T0))

    async def test_budget_and_rpm_hold_under_500_concurrent_admits(self, limits: Limits) -> None:
        key, kid = Bucket(_name("key"), 60, None), _name("kid")

        async def one() -> bool:
            got = await limits.admit(Take((key,), 1, T0, BudgetAsk(kid, "total", 1.0, 0.0123)))
            if got.ok:
                assert got.budget is not None and got.budget.reservation is not None
                await limits.settle(Settlement((key,), 0, 0, T0, got.budget.reservation, 0.0123))
            return got.ok

        admitted = sum(await asyncio.gather(*(one() for _ in range(500))))
        assert admitted == 60  # the RPM binds first: 60 of the 81 the budget covers
        assert await limits.budget.used(kid, "total") == pytest.approx(60 * 0.0123)
        more = await asyncio.gather(
            *(limits.admit(Take((), 1, T0, BudgetAsk(kid, "total", 1.0, 0.0123))) for _ in range(500))
        )
        assert sum(g.ok for g in more) == 81 - 60  # never more than the budget covers
        assert await limits.budget.used(kid, "total") <= 1.0
