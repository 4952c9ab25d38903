"""Retry policy: which statuses retry, and how long to wait (jitter from an injected Random)."""

from __future__ import annotations

import random
from email.utils import formatdate

import pytest

from laneway.upstream.retry import RetryPolicy, backoff_delays, is_retryable, parse_retry_after


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_transient_statuses_are_retried(status: int) -> None:
    assert is_retryable(status)


@pytest.mark.parametrize("status", [200, 400, 401, 403, 404, 413, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    assert not is_retryable(status)


def test_backoff_without_hints_is_full_jitter_under_an_exponential_ceiling() -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=8.0)
    rng = random.Random(7)
    for attempt, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [backoff_delays(policy, attempt, None, None, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spans the range, not a fixed value


def test_backoff_is_reproducible_from_the_seed() -> None:
    policy = RetryPolicy()
    first = [backoff_delays(policy, a, None, None, random.Random(3)) for a in range(5)]
    again = [backoff_delays(policy, a, None, None, random.Random(3)) for a in range(5)]
    assert first == again


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert backoff_delays(RetryPolicy(), 0, "7", "250", random.Random(0)) == 0.25


def test_retry_after_seconds_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(max_retry_after_s=30.0)
    assert backoff_delays(policy, 0, "3", None, random.Random(0)) == 3.0
    assert backoff_delays(policy, 0, "3600", None, random.Random(0)) == 30.0


def test_retry_after_http_date_is_turned_into_a_delay() -> None:
    now = 1_800_000_000.0
    header = formatdate(now + 12, usegmt=True)
    assert backoff_delays(RetryPolicy(), 0, header, None, random.Random(0), now=now) == 12.0
    past = formatdate(now - 100, usegmt=True)
    assert parse_retry_after(past, None, now=now) == 0.0


@pytest.mark.parametrize("bad", ["soon", "", "-5", "nan", "inf"])
def test_unparseable_retry_after_falls_back_to_backoff(bad: str) -> None:
    policy = RetryPolicy(base_delay_s=0.5)
    delay = backoff_delays(policy, 0, bad, bad, random.Random(1), now=0.0)
    assert 0.0 <= delay <= 0.5
