"""Config section for sessions (``sessions:`` in the YAML)."""

from __future__ import annotations

from typing import Literal

import msgspec

SessionBackend = Literal["memory", "redis"]


class SessionSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """``memory``: one worker process (the default). ``redis``: several workers or replicas share
    every session's pin and escalation, whichever of them a load balancer picks for a turn."""

    backend: SessionBackend = "memory"
    #: A session's pin and escalation are forgotten after this long without a request.
    ttl_s: float = 3600.0
    #: Bound of the in-process store (least recently used go first); Redis is bounded by the TTL.
    max_sessions: int = 100_000
    #: Used when ``backend: redis``; empty means the environment variable ``redis_url_env``.
    redis_url: str | None = None
    redis_url_env: str = "LANEWAY_REDIS_URL"
    #: Prefix of every Redis key laneway writes (several deployments can share one Redis).
    redis_prefix: str = "laneway:"
    #: Escalate a session when its model fails upstream after retries.
    escalate_on_upstream_failure: bool = True
    #: Escalate (and retry once) when a non-streamed reply fails verification.
    escalate_on_verification: bool = True

    def __post_init__(self) -> None:
        for name in ("ttl_s", "max_sessions"):
            value = getattr(self, name)
            if value <= 0:
                raise ValueError(f"{name} must be > 0 (got {value})")
