"""A real laneway gateway on an ephemeral port (uvicorn, uvloop + httptools) in a thread, serving
from the simulated upstream over real HTTP, with a SQLite ledger in a temp folder."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from laneway.config import parse_config
from laneway.gateway.app import GatewayApp, create_app
from laneway.ledger.base import LedgerRow


@dataclass
class LiveGateway:
    app: GatewayApp
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop
    port: int
    ledger_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def run(self, coro: Any) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return fut.result(timeout=10)

    def rows(self) -> list[LedgerRow]:
        self.run(self.app.state.ledger.flush())
        return list(self.run(self.app.state.ledger.rows()))

    def simulated(self) -> Any:
        """The in-process SimulatedServer behind the default provider."""
        return self.app.state.pool._servers[0]


def start_gateway(tmp_path: Path, **sections: Any) -> LiveGateway:
    ledger_path = tmp_path / "ledger.db"
    config = parse_config({"ledger": {"path": str(ledger_path), "flush_interval_s": 0.05}, **sections})
    app = create_app(config, env={}, simulate=not sections.get("providers"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, loop="uvloop", http="httptools", log_level="warning", lifespan="on")
    )
    loops: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        import uvloop

        loop = uvloop.new_event_loop()
        loops.append(loop)
        loop.run_until_complete(server.serve(sockets=[sock]))
        loop.close()

    threading.Thread(target=serve, daemon=True, name="laneway-e2e").start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("gateway did not start")
        time.sleep(0.01)
    return LiveGateway(app, server, loops[0], port, ledger_path)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[LiveGateway]:
    live = start_gateway(tmp_path)
    yield live
    live.server.should_exit = True
    deadline = time.monotonic() + 10
    while live.loop.is_running() and time.monotonic() < deadline:
        time.sleep(0.01)
