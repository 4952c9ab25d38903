"""The session model and the narrow async store protocol every backend implements.

Pinning keeps a conversation on one model (switching throws away the cached-input discount);
escalation ("mini first, codex second") is sticky for the session and remembers its cause. The
in-process store serves one worker; the Redis store shares sessions across workers and replicas,
so a session's turns stay on one model whichever replica a load balancer picks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from laneway.sessions.settings import SessionSettings


@dataclass(frozen=True, slots=True)
class SessionState:
    pinned_model: str | None = None
    escalated_to: str | None = None
    escalation_cause: str | None = None

    @property
    def escalated(self) -> bool:
        return self.escalation_cause is not None


class SessionStore(Protocol):
    async def get(self, key: str) -> SessionState | None:
        """The session's state (and its TTL runs again from now), or None when unknown."""

    async def pin(self, key: str, model: str) -> None:
        """Pin ``key`` to ``model`` unless it is already pinned (the first model wins)."""

    async def escalate(self, key: str, model: str, cause: str) -> None:
        """Mark ``key`` escalated to ``model`` because of ``cause`` (sticky; re-pins)."""

    async def aclose(self) -> None: ...


def open_sessions(
    settings: SessionSettings, *, clock: Callable[[], float], env: Mapping[str, str] | None = None
) -> SessionStore:
    """The store ``settings.backend`` names. Redis loads only here."""
    if settings.backend == "redis":
        from laneway.redis_client import connect, resolve_url
        from laneway.sessions.redis import RedisSessionStore

        url = resolve_url(
            settings.redis_url, settings.redis_url_env, os.environ if env is None else env, "sessions"
        )
        return RedisSessionStore(connect(url, field="sessions.backend"), prefix=settings.redis_prefix,
                                 ttl_s=settings.ttl_s)  # fmt: skip
    from laneway.sessions.memory import MemorySessionStore

    return MemorySessionStore(ttl_s=settings.ttl_s, max_size=settings.max_sessions, clock=clock)
