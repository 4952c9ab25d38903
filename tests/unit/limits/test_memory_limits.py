"""The limits contracts against the in-process backend."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from laneway.limits.base import (
    Bucket,
    BudgetAsk,
    BudgetReservation,
    Limits,
    Settlement,
    Take,
    format_reset,
    open_limits,
)
from laneway.limits.memory import MemoryLimits
from laneway.limits.settings import LimitsSettings


def _contract() -> object:
    name = "laneway_tests_limits_contract"  # the same name tests/integration/contracts.py uses
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("limits_contract.py"))
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


_c = _contract()
RateLimiterContract: type = _c.RateLimiterContract  # type: ignore[attr-defined]
BudgetGuardContract: type = _c.BudgetGuardContract  # type: ignore[attr-defined]
LimitsContract: type = _c.LimitsContract  # type: ignore[attr-defined]


@pytest.fixture
def limits() -> Limits:
    return open_limits(LimitsSettings(backend="memory"))


class TestMemoryRateLimiter(RateLimiterContract):
    pass


class TestMemoryBudgetGuard(BudgetGuardContract):
    pass


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.02, "20ms"), (1.0, "1s"), (17.28, "17.28s"), (60.0, "1m0s"), (360.0, "6m0s"), (0.0, "0ms")],
)
def test_reset_times_use_openais_format(seconds: float, text: str) -> None:
    assert format_reset(seconds) == text


def test_redis_backend_without_a_url_names_the_setting() -> None:
    from laneway.errors import ConfigError

    with pytest.raises(ConfigError, match=r"limits.redis_url or \$LANEWAY_REDIS_URL"):
        open_limits(LimitsSettings(backend="redis"), env={})


class TestMemoryLimits(LimitsContract):
    pass


async def test_memory_drops_full_buckets_and_ended_budget_periods() -> None:
    limits = MemoryLimits()
    day, ends = 1_800_000_000.0, 1_800_000_000.0 + 86_400
    for i in range(1000):  # a thousand keys, each used once on this day
        got = await limits.admit(
            Take((Bucket(f"key:{i}", 60, 10_000),), 100, day, BudgetAsk(f"k{i}", "day:1", 1.0, 0.01, ends))
        )
        assert got.ok
    assert limits.sizes == (1000, 1000)
    # a minute on, every bucket has refilled: dropped, and a new one starts full
    got = await limits.admit(Take((Bucket("key:0", 60, 10_000),), 100, day + 61))
    assert limits.sizes == (1, 1000)
    assert got.rates[0].remaining_requests == 59 and got.rates[0].remaining_tokens == 9_900
    # a day after the period ended, its budget counters go too; a late settle does not revive one
    await limits.admit(Take((), 0, ends + 86_400))
    assert limits.sizes == (0, 0)
    await limits.settle(
        Settlement((), 0, 0, ends + 86_401, BudgetReservation("k1", "day:1", 10**7, ends), 0.5)
    )
    assert await limits.budget.used("k1", "day:1") == 0.0
    assert limits.sizes == (0, 0)


async def test_a_bucket_in_debt_is_kept_until_it_has_refilled() -> None:
    limits = MemoryLimits()
    key = Bucket("key:k", None, 600)
    await limits.admit(Take((key,), 600, 0.0))
    await limits.settle(Settlement((key,), 0, -600, 0.0))  # the reply used twice the estimate
    await limits.admit(Take((), 0, 61.0))  # prunes: the bucket needs 120 s to refill
    assert limits.sizes == (1, 0)
    got = await limits.admit(Take((key,), 1, 61.0))
    assert got.rates[0].remaining_tokens == 9  # 10 refilled from -600, not a fresh 600
