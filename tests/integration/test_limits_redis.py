"""The limits contracts against Redis (atomic Lua), and failing closed when Redis is gone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from laneway.errors import LimitsUnavailableError
from laneway.limits.base import Limits, open_limits
from laneway.limits.settings import LimitsSettings

from ..services import load_test_module

pytestmark = pytest.mark.integration


_c = load_test_module("unit/limits/limits_contract.py")


@pytest.fixture
async def limits(redis_url: str, redis_prefix: str) -> AsyncIterator[Limits]:
    opened = open_limits(LimitsSettings(backend="redis", redis_url=redis_url, redis_prefix=redis_prefix))
    yield opened
    await opened.close()


class TestRedisRateLimiter(_c.RateLimiterContract):  # type: ignore[attr-defined,misc,name-defined]
    pass


class TestRedisBudgetGuard(_c.BudgetGuardContract):  # type: ignore[attr-defined,misc,name-defined]
    pass


class TestRedisLimits(_c.LimitsContract):  # type: ignore[attr-defined,misc,name-defined]
    pass


async def test_two_processes_worth_of_clients_share_one_budget(redis_url: str, redis_prefix: str) -> None:
    settings = LimitsSettings(backend="redis", redis_url=redis_url, redis_prefix=redis_prefix)
    a, b = open_limits(settings), open_limits(settings)  # separate connections, as two replicas
    try:
        assert (await a.budget.reserve("k", "total", limit_usd=1.0, amount_usd=0.7)).ok
        assert not (await b.budget.reserve("k", "total", limit_usd=1.0, amount_usd=0.7)).ok
        assert (await b.limiter.acquire("k", rpm=1, tpm=None, tokens=0, now=1e9)).allowed
        assert not (await a.limiter.acquire("k", rpm=1, tpm=None, tokens=0, now=1e9)).allowed
    finally:
        await a.close()
        await b.close()


async def test_unreachable_redis_fails_closed_with_503() -> None:
    limits = open_limits(LimitsSettings(backend="redis", redis_url="redis://127.0.0.1:1/0"))
    try:
        with pytest.raises(LimitsUnavailableError) as info:
            await limits.budget.reserve("k", "total", limit_usd=1.0, amount_usd=0.1)
        assert info.value.status_code == 503
        with pytest.raises(LimitsUnavailableError):
            await limits.limiter.acquire("k", rpm=1, tpm=None, tokens=0, now=1e9)
    finally:
        await limits.close()


async def test_admission_on_redis_holds_the_budget_under_500_concurrent_requests(
    redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    from laneway.admission import Admission, BudgetExhaustedError, RateLimitedError
    from laneway.catalog.model import load_catalog
    from laneway.keys.cache import KeyCache
    from laneway.keys.service import KeyService
    from laneway.keys.sqlite import SQLiteKeyStore

    store, secret = SQLiteKeyStore(tmp_path / "keys.db"), b"test-secret-0123456789abcdef"
    await store.start()
    settings = LimitsSettings(backend="redis", redis_url=redis_url, redis_prefix=redis_prefix)
    admission = Admission(
        mode="keys", keys=KeyCache(store, ttl_s=5.0, clock=time.time), secret=secret, master_key=None,
        limits=open_limits(settings), catalog=load_catalog(), settings=settings,
    )  # fmt: skip
    try:
        raw, _ = await KeyService(store, secret, clock=time.time).create(budget_usd=0.5, rpm=400)
        ctx = await admission.authenticate(f"Bearer {raw}")

        async def one() -> float:
            try:
                res = await admission.admit(
                    ctx, model="gpt-5.4-mini", lane="routine", max_cost_usd=0.03, est_tokens=100
                )
            except (BudgetExhaustedError, RateLimitedError):
                return 0.0
            assert res.headers["x-ratelimit-limit-requests"] == "400"
            await admission.settle(res, actual_cost_usd=0.03, actual_tokens=100)
            return 0.03

        spent = sum(await asyncio.gather(*(one() for _ in range(500))))
        assert 0.5 - 0.03 < spent <= 0.5 + 1e-9
        assert await admission.limits.budget.used(ctx.key_id or "", "total") == pytest.approx(spent)
        # budget refusals took no request from the key's RPM: 16 admitted of 400
        got = await admission.limits.limiter.acquire(
            f"key:{ctx.key_id}", rpm=400, tpm=None, tokens=0, now=admission.clock()
        )
        assert got.remaining_requests is not None and got.remaining_requests >= 400 - 16 - 1
    finally:
        await admission.close()
