"""Deployment cooldowns shared across replicas through Redis (``retry.cooldowns_backend: redis``).

A replica that starts a cooldown (a deployment failed ``retry.cooldown_failures`` times in a row)
writes ``deployment -> until`` (unix seconds) into one Redis hash; every replica reads the hash
every ``retry.cooldown_sync_s`` and rests the same deployments for what is left of their time.
The request path never waits on Redis: it reads the in-process :class:`Cooldowns`, which this
keeps in step. Redis unreachable: each replica keeps its own cooldowns (logged once per outage).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from laneway.gateway.deployments import Cooldowns
from laneway.ledger.base import stop_task
from laneway.redis_client import redis_errors

if TYPE_CHECKING:
    import redis.asyncio as aioredis

log = logging.getLogger("laneway.gateway")


class CooldownSync:
    def __init__(
        self,
        client: aioredis.Redis,
        cooldowns: Cooldowns,
        *,
        prefix: str = "laneway:",
        interval_s: float = 1.0,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.cooldowns = cooldowns
        self.key = f"{prefix}cooldowns"
        self.interval_s = interval_s
        self._wall = wall
        self._errors = redis_errors()
        self._task: asyncio.Task[None] | None = None
        self._writes: set[asyncio.Task[None]] = set()
        self._down = False
        cooldowns.on_start = self._publish

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="laneway-cooldown-sync")

    async def aclose(self) -> None:
        if self._task is not None:
            await stop_task(self._task)
            self._task = None
        await self.drain()
        self.cooldowns.on_start = None
        await self.client.aclose()

    async def drain(self) -> None:
        """Wait for the cooldowns started so far to be written."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    async def refresh(self) -> None:
        """Adopt every cooldown in Redis that has time left; forget the ones that ran out."""
        try:
            entries = await self.client.hgetall(self.key)
        except self._errors as exc:
            self._unavailable(exc)
            return
        self._down = False
        now = self._wall()
        expired = []
        for raw_key, raw_until in entries.items():
            key = raw_key.decode() if isinstance(raw_key, bytes) else str(raw_key)
            try:
                left = float(raw_until) - now
            except ValueError:
                left = 0.0
            if left > 0:
                self.cooldowns.adopt(key, left)
            else:
                expired.append(raw_key)
        if expired:
            try:
                await self.client.hdel(self.key, *expired)
            except self._errors as exc:
                self._unavailable(exc)

    def _publish(self, key: str, seconds: float) -> None:
        task = asyncio.get_running_loop().create_task(self._write(key, self._wall() + seconds))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, key: str, until: float) -> None:
        try:
            await self.client.hset(self.key, key, repr(until))
        except self._errors as exc:
            self._unavailable(exc)

    async def _loop(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self.interval_s)

    def _unavailable(self, exc: BaseException) -> None:
        if not self._down:
            self._down = True
            log.warning(
                "cooldowns: Redis unavailable (%s); deployment cooldowns stay per replica until it is back",
                type(exc).__name__,
            )
