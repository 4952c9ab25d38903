"""A small per-process cache of key lookups, so the request path rarely touches the store.

Both hits and misses are cached for ``ttl_s`` seconds (bounded LRU): a revocation made on another
replica is seen within ``ttl_s``; one made through this process (:meth:`KeyCache.forget`) at once.
Concurrent lookups of the same hash share one store query.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable

from laneway.keys.base import KeyStore
from laneway.keys.model import VirtualKey


class KeyCache:
    def __init__(
        self,
        store: KeyStore,
        *,
        ttl_s: float,
        max_entries: int = 10_000,
        clock: Callable[[], float],
    ) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, VirtualKey | None]] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[VirtualKey | None]] = {}

    async def lookup(self, key_hash: str) -> VirtualKey | None:
        now = self._clock()
        entry = self._entries.get(key_hash)
        if entry is not None and entry[0] > now:
            self._entries.move_to_end(key_hash)
            return entry[1]
        pending = self._inflight.get(key_hash)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[VirtualKey | None] = asyncio.get_running_loop().create_future()
        self._inflight[key_hash] = future
        try:
            key = await self.store.get_by_hash(key_hash)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it; nobody else must log it
            raise
        finally:
            del self._inflight[key_hash]
        future.set_result(key)
        if self.ttl_s > 0:
            self._entries[key_hash] = (now + self.ttl_s, key)
            self._entries.move_to_end(key_hash)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return key

    def forget(self, key_hash: str | None = None) -> None:
        """Drop one cached lookup (or all): the next lookup reads the store."""
        if key_hash is None:
            self._entries.clear()
        else:
            self._entries.pop(key_hash, None)
