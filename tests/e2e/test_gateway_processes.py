"""The gateway as a process: SIGTERM under load drains and loses no ledger row; granian runs it."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from laneway.ledger.sqlite import SQLiteLedger

pytestmark = pytest.mark.e2e
N_REQUESTS = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"laneway serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(url + "/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError("laneway serve did not become ready")


async def wait_in_flight(base: str, n: int) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(200):
            text = (await http.get(base + "/metrics")).text
            if f"laneway_in_flight_requests {float(n)}" in text:
                return
            await asyncio.sleep(0.02)
    raise AssertionError("requests never got in flight")


async def load(base: str, n: int) -> list[int]:
    async with httpx.AsyncClient(timeout=30) as http:

        async def one(i: int) -> int:
            body = {
                "model": "laneway/auto",
                "messages": [{"role": "user", "content": f"task {i}"}],
                "stream": i % 2 == 0,
            }
            try:
                r = await http.post(base + "/v1/chat/completions", json=body)
            except httpx.TransportError:
                return 0  # refused after SIGTERM: not a reply
            return r.status_code

        return await asyncio.gather(*(one(i) for i in range(n)))


def test_ledger_is_complete_after_sigterm_under_load(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    config = tmp_path / "laneway.yaml"
    config.write_text(
        "providers:\n"
        "  - {name: sim, type: simulated, api_key_env: null, simulated_latency_ms: 1000}\n"
        f"ledger: {{path: '{ledger}', flush_interval_s: 5.0, batch_size: 1000}}\n"
    )
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "laneway",
        "serve",
        "--config",
        str(config),
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "OPENAI_API_KEY": ""}
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)

        async def scenario() -> list[int]:
            task = asyncio.ensure_future(load(base, N_REQUESTS))
            await wait_in_flight(base, N_REQUESTS)  # all waiting on the upstream
            proc.send_signal(signal.SIGTERM)
            return await task

        statuses = asyncio.run(scenario())
        # uvicorn re-raises the captured SIGTERM after its graceful shutdown: exit by that signal
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    replies = [s for s in statuses if s]
    assert len(replies) == N_REQUESTS, f"in-flight requests were drained: {statuses}"
    assert all(s == 200 for s in replies)

    async def count() -> int:
        store = SQLiteLedger(ledger)
        await store.close()  # closed: rows() reads the file back directly
        return len(await store.rows())

    assert asyncio.run(count()) == len(replies)


GRANIAN = Path(sys.executable).with_name("granian")


@pytest.mark.skipif(not GRANIAN.exists() and shutil.which("granian") is None, reason="granian not installed")
def test_granian_serves_the_gateway(tmp_path: Path) -> None:
    port = free_port()
    cmd = [
        str(GRANIAN), "--interface", "asgi", "--factory", "--host", "127.0.0.1", "--port", str(port),
        "laneway.gateway.app:create_app",
    ]  # fmt: skip
    env = {**os.environ, "LANEWAY_SIMULATE": "1", "OPENAI_API_KEY": "", "LANEWAY_CONFIG": ""}
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        body = {"model": "laneway/auto", "messages": [{"role": "user", "content": "hello"}]}
        r = httpx.post(base + "/v1/chat/completions", json=body, timeout=10)
        assert r.status_code == 200 and r.headers["x-laneway-model"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()
