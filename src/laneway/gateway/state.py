"""Per-app state: everything one gateway instance owns (no module-level mutable state).

Built by :func:`laneway.gateway.app.create_app`; the parts that need a running event loop
(upstream sessions, simulated servers, the ledger writer, admission's key store and limits)
start in the lifespan.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from laneway.admission import Admission
from laneway.config import Config
from laneway.engine import Engine
from laneway.gateway.deployments import Cooldowns, DeploymentTable
from laneway.gateway.dispatch import Dispatcher
from laneway.gateway.metrics import GatewayMetrics
from laneway.gateway.providers import ProviderPool
from laneway.gateway.routing import Router
from laneway.ledger.base import SpendLedger
from laneway.sessions.base import SessionStore, open_sessions

if TYPE_CHECKING:
    from laneway.gateway.cooldown_sync import CooldownSync

log = logging.getLogger("laneway.gateway")


@dataclass
class Clocks:
    """Injected time: ``monotonic`` for durations, ``wall`` for timestamps, ``sleep`` for backoff,
    ``cpu`` (the event loop thread's CPU clock, or None) to tell the aiohttp client's own work from
    the upstream's time (see :meth:`laneway.gateway.accounting.Exchange.waited`)."""

    monotonic: Callable[[], float] = time.perf_counter
    wall: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    cpu: Callable[[], float] | None = None

    @classmethod
    def real(cls) -> Clocks:
        return cls(cpu=time.thread_time)


@dataclass
class Runtime:
    """What exists only while the app runs (between lifespan startup and shutdown)."""

    table: DeploymentTable
    router: Router
    dispatcher: Dispatcher
    admission: Admission


@dataclass
class GatewayState:
    config: Config
    engine: Engine
    ledger: SpendLedger
    pool: ProviderPool
    clocks: Clocks = field(default_factory=Clocks)
    metrics: GatewayMetrics = field(default_factory=GatewayMetrics)
    rng: random.Random = field(default_factory=random.Random)
    sessions: SessionStore | None = None
    runtime: Runtime | None = None
    #: True when the sessions were opened here (then :meth:`stop` closes them).
    owns_sessions: bool = False
    #: Shares deployment cooldowns across replicas (``retry.cooldowns_backend: redis``).
    cooldown_sync: CooldownSync | None = None
    ledger_started: bool = False
    banner: str | None = None
    #: The environment admission reads (master key, server secret, Redis URL, PostgreSQL DSN).
    env: Mapping[str, str] = field(default_factory=dict)
    #: The address the server binds: resolves ``auth.mode: auto`` (``none`` only on loopback).
    host: str | None = None

    @property
    def session_store(self) -> SessionStore:
        """The sessions (injected, or opened from ``config.sessions`` at start)."""
        if self.sessions is None:
            raise RuntimeError("the gateway is not started: no session store")
        return self.sessions

    @property
    def ready(self) -> bool:
        return self.runtime is not None and self.ledger_started and not self.ledger.full

    async def start(self) -> None:
        server = self.config.server
        admission = await Admission.open(
            self.config, self.engine.catalog, host=self.host or server.host, tier=server.tier,
            clock=self.clocks.wall, env=self.env,
        )  # fmt: skip
        try:
            await self._start(admission)
        except BaseException:
            await admission.close()
            raise
        if admission.mode == "none":
            log.warning(
                "laneway: authentication is off (auth.mode %s on loopback %s): anyone on this machine "
                "can call; set auth.mode: keys to require virtual keys",
                self.config.auth.mode, self.host or server.host,
            )  # fmt: skip

    async def _start(self, admission: Admission) -> None:
        await self.ledger.start()
        self.ledger_started = True
        table = await self.pool.start()
        retry = self.config.retry
        cooldowns = Cooldowns(
            failures=retry.cooldown_failures, cooldown_s=retry.cooldown_s, clock=self.clocks.monotonic
        )
        if retry.cooldowns_backend == "redis":
            self.cooldown_sync = self._cooldown_sync(cooldowns)
            self.cooldown_sync.start()
        dispatcher = Dispatcher(
            table, cooldowns, retry, self.metrics,
            clock=self.clocks.monotonic, sleep=self.clocks.sleep, rng=self.rng, cpu=self.clocks.cpu,
        )  # fmt: skip
        if self.sessions is None:
            self.sessions = open_sessions(self.config.sessions, clock=self.clocks.monotonic, env=self.env)
            self.owns_sessions = True
        router = Router(self.engine, self.config.server, self.session_store, set(table.models()))
        self.runtime = Runtime(table, router, dispatcher, admission)

    def _cooldown_sync(self, cooldowns: Cooldowns) -> CooldownSync:
        from laneway.gateway.cooldown_sync import CooldownSync
        from laneway.redis_client import connect, resolve_url

        retry = self.config.retry
        url = resolve_url(retry.redis_url, retry.redis_url_env, self.env, "retry")
        client = connect(url, field="retry.cooldowns_backend")
        return CooldownSync(client, cooldowns, prefix=retry.redis_prefix, interval_s=retry.cooldown_sync_s)

    async def stop(self) -> None:
        """Close upstreams, flush and close the ledger (every row written so far lands), then
        admission (key store, limits) and the sessions laneway opened."""
        runtime, self.runtime = self.runtime, None
        # one line per step, so that a shutdown that hangs says where
        try:
            log.info("shutdown: closing upstreams")
            await self.pool.stop()
        finally:
            try:
                if self.ledger_started:
                    self.ledger_started = False
                    log.info("shutdown: flushing and closing the ledger")
                    await self.ledger.close()
            finally:
                try:
                    if runtime is not None:
                        log.info("shutdown: closing the key store and limits")
                        await runtime.admission.close()
                finally:
                    if self.owns_sessions and self.sessions is not None:
                        sessions, self.sessions, self.owns_sessions = self.sessions, None, False
                        log.info("shutdown: closing the session store")
                        await sessions.aclose()
                    if self.cooldown_sync is not None:
                        sync, self.cooldown_sync = self.cooldown_sync, None
                        log.info("shutdown: stopping the shared cooldowns")
                        await sync.aclose()
                    log.info("shutdown: done")
