"""Three `laneway serve` replicas sharing Redis (limits, budgets, sessions) and PostgreSQL (keys, ledger).

500 concurrent requests on one key with a small budget, spread across the replicas: the settled
total stays within the budget plus one request's maximum cost, and after a graceful stop the
shared ledger has exactly one row per reply the clients received. A second key's RPM holds across
the replicas to within one request. A session's pin and its escalation hold whichever replica
serves the next turn, and a deployment one replica cools down rests on all of them. Needs Redis on 127.0.0.1:6379 and PostgreSQL on
127.0.0.1:5432 (database ``test``): skipped with the reason when they are unreachable, unless
``LANEWAY_CI=1`` (then it fails).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from laneway.catalog.model import load_catalog
from laneway.cost import Usage, cost_usd

from ..services import POSTGRES_DSN, REDIS_URL, pg_namespace, redis_namespace
from .test_gateway_processes import free_port, wait_ready

pytestmark = pytest.mark.e2e

MASTER = "replica-test-master-key-0123456789"
SECRET = "replica-test-server-secret-0123456789"
REPLICAS = 3
N_BUDGET = 500
BUDGET_USD = 0.02
MAX_TOKENS = 50
RPM = 30
N_RPM = 120
MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


@pytest.fixture
async def shared() -> AsyncIterator[tuple[str, str]]:
    """A unique Redis prefix and PostgreSQL schema, removed afterwards."""
    async with redis_namespace() as prefix, pg_namespace() as schema:
        yield prefix, schema


def write_config(tmp_path: Path, prefix: str, schema: str) -> Path:
    config = {
        "auth": {"mode": "keys", "master_key_env": "LW_MASTER", "secret_env": "LW_SECRET"},
        "keys": {"backend": "postgres", "dsn": POSTGRES_DSN, "schema": schema},
        "limits": {"backend": "redis", "redis_url": REDIS_URL, "redis_prefix": prefix},
        "sessions": {"backend": "redis", "redis_url": REDIS_URL, "redis_prefix": prefix},
        "retry": {
            "cooldowns_backend": "redis",
            "redis_url": REDIS_URL,
            "redis_prefix": prefix,
            "cooldown_sync_s": 0.2,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.02,
        },
        "ledger": {"backend": "postgres", "dsn": POSTGRES_DSN, "schema": schema, "flush_interval_s": 0.1},
        "providers": [{"name": "sim", "type": "simulated", "api_key_env": None}],
    }
    path = tmp_path / "laneway.yaml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return path


def replica_log(tmp_path: Path, i: int) -> Path:
    """Where replica ``i`` writes its output."""
    return tmp_path / f"replica{i}.log"


def spawn(config: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LW_MASTER": MASTER, "LW_SECRET": SECRET}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "laneway", "serve", "--config", str(config), "--port", str(port),
             "--log-level", "info"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=config.parent,
        )  # fmt: skip


@pytest.fixture
def replicas(tmp_path: Path, shared: tuple[str, str]) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    config = write_config(tmp_path, *shared)
    started: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for i in range(REPLICAS):
            port = free_port()
            started.append((f"http://127.0.0.1:{port}", spawn(config, port, replica_log(tmp_path, i))))
            if i == 0:  # the first creates the schema and tables; the others find them
                wait_ready(started[0][0], started[0][1])
        for url, proc in started[1:]:
            wait_ready(url, proc)
        yield started
    finally:
        for _, proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


async def create_key(http: httpx.AsyncClient, base: str, **options: Any) -> tuple[str, str]:
    r = await http.post(f"{base}/admin/keys", json=options, headers={"authorization": f"Bearer {MASTER}"})
    assert r.status_code == 200, r.text
    return r.json()["key"], r.json()["id"]


async def burst(http: httpx.AsyncClient, bases: list[str], key: str, n: int) -> list[httpx.Response]:
    async def one(i: int) -> httpx.Response:
        body = {
            "model": "laneway/routine",
            "max_tokens": MAX_TOKENS,
            "messages": [{"role": "user", "content": f"summarise note {i}"}],
            "stream": i % 3 == 0,
        }
        return await http.post(
            f"{bases[i % len(bases)]}/v1/chat/completions",
            json=body,
            headers={"authorization": f"Bearer {key}"},
        )

    return await asyncio.gather(*(one(i) for i in range(n)))


def log_tails(tmp_path: Path, lines: int = 40) -> str:
    """The end of every replica's log, for a failure message (pytest's tmp dir is gone by then)."""
    tails = []
    for i in range(REPLICAS):
        text = replica_log(tmp_path, i).read_text(errors="replace").splitlines()[-lines:]
        tails.append(f"--- replica{i}.log (last {lines} lines)\n" + "\n".join(text))
    return "\n".join(tails)


async def ledger_rows(schema: str) -> list[dict[str, Any]]:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_DSN)
    try:
        records = await conn.fetch(f'SELECT * FROM "{schema}".laneway_ledger')
    finally:
        await conn.close()
    return [dict(r) for r in records]


def stop_gracefully(replicas: list[tuple[str, subprocess.Popen[bytes]]], tmp_path: Path) -> None:
    for _, proc in replicas:
        proc.send_signal(signal.SIGTERM)
    for i, (_, proc) in enumerate(replicas):
        try:
            # uvicorn waits up to 30 s (timeout_graceful_shutdown) for requests still running,
            # then runs the app's shutdown; it re-raises the captured SIGTERM: exit by that signal
            code = proc.wait(timeout=45)
        except subprocess.TimeoutExpired:
            pytest.fail(f"replica{i} did not stop within 45 s of SIGTERM\n{log_tails(tmp_path)}")
        assert code in (0, -signal.SIGTERM), log_tails(tmp_path)


async def test_budget_ledger_and_rpm_hold_across_three_replicas(
    replicas: list[tuple[str, subprocess.Popen[bytes]]], shared: tuple[str, str], tmp_path: Path
) -> None:
    bases = [url for url, _ in replicas]
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=300)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        budget_key, budget_id = await create_key(http, bases[1], budget_usd=BUDGET_USD)
        rpm_key, rpm_id = await create_key(http, bases[2], rpm=RPM)
        try:
            replies = await burst(http, bases, budget_key, N_BUDGET)
            started = time.monotonic()
            rpm_replies = await burst(http, bases, rpm_key, N_RPM)
            rpm_elapsed = time.monotonic() - started
        except httpx.TransportError as exc:  # rare in CI: keep what the replicas said about it
            raise AssertionError(f"{exc!r} during a burst\n{log_tails(tmp_path)}") from exc
    stop_gracefully(replicas, tmp_path)
    rows = await ledger_rows(shared[1])

    statuses = Counter(r.status_code for r in replies)
    assert set(statuses) == {200, 429} and statuses[200] > 10, statuses
    assert all(r.json()["error"]["code"] == "insufficient_quota" for r in replies if r.status_code == 429)
    budget_rows = [row for row in rows if row["key_id"] == budget_id]
    assert len(budget_rows) == N_BUDGET  # one ledger row per reply the clients received
    assert Counter(row["http_status"] for row in budget_rows) == statuses
    spent = sum(row["cost_usd"] for row in budget_rows)
    card = load_catalog().models[MINI]
    one_max = cost_usd(card, Usage(max(row["input_tokens"] for row in budget_rows), 0, MAX_TOKENS))
    assert spent <= BUDGET_USD + one_max, (spent, one_max)
    assert spent > BUDGET_USD / 2  # the budget was what stopped the requests

    ok = sum(r.status_code == 200 for r in rpm_replies)
    refill = int(rpm_elapsed * RPM / 60)  # token buckets refill continuously while the burst runs
    assert RPM - 1 <= ok <= RPM + 1 + refill, (ok, rpm_elapsed)
    assert all(
        r.headers["x-ratelimit-limit-requests"] == str(RPM) for r in rpm_replies if r.status_code == 429
    )
    assert sum(row["key_id"] == rpm_id for row in rows) == N_RPM
    assert {row["key_id"] for row in rows} == {budget_id, rpm_id}

    logs = "".join(replica_log(tmp_path, i).read_text() for i in range(REPLICAS))
    for key in (budget_key, rpm_key):
        secret_part = key.removeprefix("lw-")
        assert secret_part not in logs and secret_part not in repr(rows)


ROUTINE_TASK = "Write a Python function that returns the sum of the even numbers in a list."
TERMINAL_TASK = (
    "The nginx service fails to start after the upgrade: read the journalctl output, fix the config "
    "under /etc/nginx and restart the service with systemctl."
)


async def turn(
    http: httpx.AsyncClient, base: str, body: dict[str, Any], session: str | None
) -> httpx.Response:
    headers = {"authorization": f"Bearer {MASTER}"}
    if session is not None:
        headers["session-id"] = session
    r = await http.post(f"{base}/v1/chat/completions", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r


def chat(text: str, model: str = "laneway/auto") -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}], "max_tokens": MAX_TOKENS}


async def test_a_session_keeps_its_pin_and_escalation_on_every_replica(
    replicas: list[tuple[str, subprocess.Popen[bytes]]], tmp_path: Path
) -> None:
    bases = [url for url, _ in replicas]
    async with httpx.AsyncClient(timeout=60) as http:
        # control: without a session, the terminal task goes to codex and the routine one to mini
        assert (await turn(http, bases[0], chat(TERMINAL_TASK), None)).headers["x-laneway-model"] == CODEX
        first = await turn(http, bases[0], chat(ROUTINE_TASK), "pinned-session")
        assert first.headers["x-laneway-model"] == MINI
        for base in bases[1:]:  # other replicas: the session stays on its first model
            r = await turn(http, base, chat(TERMINAL_TASK), "pinned-session")
            assert r.headers["x-laneway-model"] == MINI, r.headers["x-laneway-reason"]

        messages: list[dict[str, Any]] = [{"role": "user", "content": "make the build pass"}]
        for i in range(3):  # three failing shell commands in a row: the session escalates
            call = {
                "id": f"c{i}",
                "type": "function",
                "function": {"name": "exec_command", "arguments": "{}"},
            }
            messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
            messages.append(
                {"role": "tool", "tool_call_id": f"c{i}", "content": "Process exited with code 2"}
            )
        tools = [{"type": "function", "function": {"name": "exec_command", "parameters": {"type": "object"}}}]
        body = {"model": "laneway/routine", "messages": messages, "tools": tools, "max_tokens": MAX_TOKENS}
        r = await turn(http, bases[0], body, "escalated-session")
        assert r.headers["x-laneway-model"] == CODEX
        for base in bases[1:]:  # sticky on the other replicas, with its cause
            r = await turn(http, base, chat("and now something easy", "laneway/routine"), "escalated-session")
            assert r.headers["x-laneway-model"] == CODEX
            assert "failing shell commands" in r.headers["x-laneway-reason"]
    stop_gracefully(replicas, tmp_path)


async def test_a_deployment_one_replica_cools_down_rests_on_the_others(
    replicas: list[tuple[str, subprocess.Popen[bytes]]], tmp_path: Path
) -> None:
    bases = [url for url, _ in replicas]
    body = chat("run the nightly cloud task", "laneway/cloud_task")  # codex is its only candidate
    headers = {"authorization": f"Bearer {MASTER}"}
    async with httpx.AsyncClient(timeout=60) as http:
        assert (
            await http.post(f"{bases[1]}/v1/chat/completions", json=body, headers=headers)
        ).status_code == 200
        failing = {**headers, "x-laneway-sim-status": "500"}
        for _ in range(2):  # 2 attempts each: the third failure in a row starts the cooldown
            r = await http.post(f"{bases[0]}/v1/chat/completions", json=body, headers=failing)
            assert r.status_code == 502, r.text
        await asyncio.sleep(1.0)  # > cooldown_sync_s: every replica has read the shared cooldowns
        for base in bases[1:]:
            r = await http.post(f"{base}/v1/chat/completions", json=body, headers=headers)
            assert r.status_code == 503, r.text
            assert "sim/gpt-5.3-codex cooling down" in r.json()["error"]["message"]
    stop_gracefully(replicas, tmp_path)
