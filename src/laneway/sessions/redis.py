"""Sessions in Redis, shared by every worker and replica.

One hash per session (``{prefix}session:{key}``: ``p`` pinned model, ``e`` escalated to, ``c``
escalation cause) with a TTL that runs again on every use. Each call is one Lua script, one round
trip: a steady session costs one (:meth:`get`); its first turn costs two (``get`` + ``pin``).

Sessions fail open: when Redis cannot be reached, a turn is routed as if its session were new and
a warning is logged. A lost pin costs a cache discount; refusing the request would cost the turn.
(Budgets and rate limits fail closed instead: see :mod:`laneway.limits.redis`.)
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from laneway.redis_client import redis_errors
from laneway.sessions.base import SessionState

if TYPE_CHECKING:
    import redis.asyncio as aioredis

log = logging.getLogger("laneway.sessions")

#: Longer session keys are stored by their hash (clients choose them; Redis keys stay short).
MAX_RAW_KEY = 128

_GET = """
local v = redis.call('HMGET', KEYS[1], 'p', 'e', 'c')
if v[1] or v[2] or v[3] then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return v
"""
_PIN = """
redis.call('HSETNX', KEYS[1], 'p', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
_ESCALATE = """
if redis.call('HEXISTS', KEYS[1], 'c') == 0 then
  redis.call('HSET', KEYS[1], 'e', ARGV[1], 'c', ARGV[2])
end
redis.call('HSET', KEYS[1], 'p', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class RedisSessionStore:
    """A :class:`~laneway.sessions.base.SessionStore` in Redis (TTL ``ttl_s`` from the last use)."""

    def __init__(self, client: aioredis.Redis, *, prefix: str = "laneway:", ttl_s: float = 3600.0) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_ms = max(1, int(ttl_s * 1000))
        self._errors = redis_errors()
        self._get = client.register_script(_GET)
        self._pin = client.register_script(_PIN)
        self._escalate = client.register_script(_ESCALATE)

    def redis_key(self, key: str) -> str:
        if len(key) > MAX_RAW_KEY:
            key = "h:" + hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return f"{self.prefix}session:{key}"

    async def get(self, key: str) -> SessionState | None:
        try:
            reply = await self._get(keys=[self.redis_key(key)], args=[self.ttl_ms])
        except self._errors as exc:
            self._unavailable("read", exc)
            return None
        pinned, escalated_to, cause = (_text(v) for v in reply)
        if pinned is None and escalated_to is None and cause is None:
            return None
        return SessionState(pinned_model=pinned, escalated_to=escalated_to, escalation_cause=cause)

    async def pin(self, key: str, model: str) -> None:
        try:
            await self._pin(keys=[self.redis_key(key)], args=[model, self.ttl_ms])
        except self._errors as exc:
            self._unavailable("pin", exc)

    async def escalate(self, key: str, model: str, cause: str) -> None:
        try:
            await self._escalate(keys=[self.redis_key(key)], args=[model, cause, self.ttl_ms])
        except self._errors as exc:
            self._unavailable("escalate", exc)

    async def aclose(self) -> None:
        await self.client.aclose()

    def _unavailable(self, what: str, exc: BaseException) -> None:
        log.warning("sessions: Redis unavailable (%s: %s); this turn is routed without its session",
                    what, type(exc).__name__)  # fmt: skip
