"""Retry policy for upstream calls: which statuses to retry and how long to wait.

Pure functions; randomness comes from an injected :class:`random.Random`. Delays follow
exponential backoff with *full jitter* (``uniform(0, min(max, base * 2**attempt))``), but a
server's ``retry-after-ms`` (preferred) or ``retry-after`` (seconds or an HTTP date) wins, capped at
``policy.max_delay_s`` — the same order openai-python uses.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

#: Statuses worth retrying (the openai SDK's set): timeout, conflict, rate limit and any 5xx.
RETRYABLE_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3  # attempts per deployment, the first one included
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0  # cap for computed backoff
    max_retry_after_s: float = 60.0  # cap for a server-suggested wait


def is_retryable(status: int) -> bool:
    """True for 408, 409, 429 and every status >= 500."""
    return status in RETRYABLE_STATUSES or status >= 500


def parse_retry_after(
    retry_after: str | None, retry_after_ms: str | None, *, now: float | None = None
) -> float | None:
    """Seconds the server asked us to wait, or ``None`` when it did not say (or said nonsense).

    ``retry-after-ms`` wins over ``retry-after``; ``retry-after`` may be seconds or an HTTP date
    (then ``now``, unix seconds, is required to turn it into a delay).
    """
    if retry_after_ms is not None:
        try:
            ms = float(retry_after_ms.strip())
        except ValueError:
            ms = math.nan
        if math.isfinite(ms) and ms >= 0:
            return ms / 1000.0
    if retry_after is None:
        return None
    text = retry_after.strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds):
        return seconds if seconds >= 0 else None
    if now is None:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)


def backoff_delays(
    policy: RetryPolicy,
    attempt: int,
    retry_after_header: str | None,
    retry_after_ms_header: str | None,
    rng: random.Random,
    *,
    now: float | None = None,
) -> float:
    """Seconds to wait before retry number ``attempt`` (0 = the first retry).

    A server-suggested delay (``retry-after-ms`` then ``retry-after``) is honoured up to
    ``policy.max_retry_after_s``; otherwise full-jitter exponential backoff capped at
    ``policy.max_delay_s``. ``now`` (unix seconds) is only needed for HTTP-date ``retry-after``.
    """
    suggested = parse_retry_after(retry_after_header, retry_after_ms_header, now=now)
    if suggested is not None:
        return min(suggested, policy.max_retry_after_s)
    ceiling = min(policy.max_delay_s, policy.base_delay_s * (2 ** max(0, attempt)))
    return rng.uniform(0.0, ceiling)
