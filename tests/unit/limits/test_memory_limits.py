"""The limits contracts against the in-process backend."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from laneway.limits.base import Limits, format_reset, open_limits
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
