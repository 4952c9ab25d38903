"""Deployment cooldowns shared through Redis: one replica's cooldown rests the deployment on all."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from laneway.gateway.cooldown_sync import CooldownSync
from laneway.gateway.deployments import Cooldowns
from laneway.testing import ManualClock

pytestmark = pytest.mark.integration
DEP = "openai/gpt-5.4-mini"


class Replica:
    def __init__(self, url: str, prefix: str, wall: ManualClock) -> None:
        self.clock = ManualClock()
        self.cooldowns = Cooldowns(failures=3, cooldown_s=30, clock=self.clock)
        self.sync = CooldownSync(aioredis.Redis.from_url(url), self.cooldowns, prefix=prefix, wall=wall)


@pytest.fixture
async def replicas(redis_url: str, redis_prefix: str) -> AsyncIterator[tuple[Replica, Replica, ManualClock]]:
    wall = ManualClock()
    a, b = Replica(redis_url, redis_prefix, wall), Replica(redis_url, redis_prefix, wall)
    yield a, b, wall
    await a.sync.aclose()
    await b.sync.aclose()


async def test_a_cooldown_one_replica_starts_rests_the_deployment_on_the_other(
    replicas: tuple[Replica, Replica, ManualClock],
) -> None:
    a, b, wall = replicas
    for _ in range(3):
        a.cooldowns.failure(DEP)
    assert a.cooldowns.cooling(DEP)
    await a.sync.drain()
    assert not b.cooldowns.cooling(DEP)  # not until b reads the shared state
    wall.advance(10)  # b reads it 10 s later: 20 s of the 30 are left
    await b.sync.refresh()
    assert b.cooldowns.cooling(DEP)
    b.clock.advance(19)
    assert b.cooldowns.cooling(DEP)
    b.clock.advance(2)
    assert not b.cooldowns.cooling(DEP)


async def test_cooldowns_that_ran_out_are_removed_from_redis(
    replicas: tuple[Replica, Replica, ManualClock],
) -> None:
    a, b, wall = replicas
    for _ in range(3):
        a.cooldowns.failure(DEP)
    await a.sync.drain()
    assert await b.sync.client.hexists(b.sync.key, DEP)
    wall.advance(31)
    await b.sync.refresh()
    assert not b.cooldowns.cooling(DEP)
    assert not await b.sync.client.hexists(b.sync.key, DEP)


async def test_without_redis_cooldowns_stay_per_replica_and_it_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    replica = Replica(f"redis://127.0.0.1:{port}/0", "x:", ManualClock())
    with caplog.at_level(logging.WARNING, logger="laneway.gateway"):
        for _ in range(3):
            replica.cooldowns.failure(DEP)
        await replica.sync.drain()
        await replica.sync.refresh()
    assert replica.cooldowns.cooling(DEP)  # the local cooldown still holds
    assert sum("cooldowns: Redis unavailable" in r.getMessage() for r in caplog.records) == 1
    await replica.sync.aclose()
