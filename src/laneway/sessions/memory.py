"""In-process sessions: the default for one worker (TTL from the last use, LRU-bounded)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from laneway.sessions.base import SessionState


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

    async def aclose(self) -> None:
        """Nothing to release: the sessions go with the process."""
