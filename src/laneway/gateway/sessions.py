"""Sessions: a session key -> the model it is pinned to and whether (and why) it escalated.

Pinning keeps a conversation on one model (switching throws away the cached-input discount);
escalation ("mini first, codex second") is sticky for the session and remembers its cause. The
store is a narrow async :class:`SessionStore` protocol so a Redis backend can share it across
replicas; :class:`MemorySessionStore` is the in-process default (TTL + size bound, LRU order).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SessionState:
    pinned_model: str | None = None
    escalated_to: str | None = None
    escalation_cause: str | None = None

    @property
    def escalated(self) -> bool:
        return self.escalation_cause is not None


class SessionStore(Protocol):
    async def get(self, key: str) -> SessionState | None: ...

    async def pin(self, key: str, model: str) -> None:
        """Pin ``key`` to ``model`` unless it is already pinned (the first model wins)."""

    async def escalate(self, key: str, model: str, cause: str) -> None:
        """Mark ``key`` escalated to ``model`` because of ``cause`` (sticky; re-pins)."""


class MemorySessionStore:
    """Sessions in this process: expire ``ttl_s`` after their last use, at most ``max_size``."""

    __slots__ = ("_clock", "_entries", "max_size", "ttl_s")

    def __init__(self, *, ttl_s: float, max_size: int, clock: Callable[[], float]) -> None:
        self.ttl_s = ttl_s
        self.max_size = max_size
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, SessionState]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def _live(self, key: str) -> SessionState | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        seen, state = entry
        if self._clock() - seen > self.ttl_s:
            del self._entries[key]
            return None
        return state

    def _put(self, key: str, state: SessionState) -> None:
        self._entries[key] = (self._clock(), state)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_size:
            self._entries.popitem(last=False)

    async def get(self, key: str) -> SessionState | None:
        state = self._live(key)
        if state is not None:
            self._put(key, state)  # touch: the TTL runs from the last use
        return state

    async def pin(self, key: str, model: str) -> None:
        state = self._live(key) or SessionState()
        if state.pinned_model is None:
            state = replace(state, pinned_model=model)
        self._put(key, state)

    async def escalate(self, key: str, model: str, cause: str) -> None:
        state = self._live(key) or SessionState()
        if not state.escalated:
            state = replace(state, escalated_to=model, escalation_cause=cause)
        self._put(key, replace(state, pinned_model=model))
