"""Gateway overhead: laneway vs a bare pass-through vs LiteLLM, on one fast fake upstream, one run.

Method (shared/design/LESSONS.md, "Measuring a gateway"): the same instant fake upstream (nginx
returning a fixed Chat Completions reply) and the same load generator (wrk) for every target; each
gateway pinned to CPU 0, nginx and wrk to CPU 1; targets interleaved in a shuffled order every
round; overhead reported as a *differential* against direct-to-nginx from the same round (median
over rounds). Success is counted at the client (non-2xx and socket errors are reported). Every
gateway runs on uvicorn with the same settings (uvloop, httptools, no access log, one worker).

Targets:
  direct            wrk -> nginx
  passthrough       a ~30-line raw ASGI app on uvicorn (uvloop, httptools) forwarding with aiohttp:
                    the floor of any Python gateway
  laneway           `laneway serve` routing model "laneway/auto" (auth, profile, classify, policy,
                    admission, accounting, SQLite ledger); every request repeats one task text, as
                    an agent's turns do, so the engine's prediction cache answers
  laneway-distinct  the same, with a distinct task text in every request (wrk Lua): the text
                    classifier runs every time (the uncached cost)
  litellm           LiteLLM proxy from its own venv (/tmp/litellm-venv; installed if missing)
  laneway-keys-B    with --keys B (memory, redis): the laneway target with `auth.mode: keys`, a
                    SQLite key store and limits backend B (Redis at 127.0.0.1:6379, a prefix unique
                    to the run, deleted after it); one virtual key with a day budget, RPM and TPM
                    (high enough never to refuse) is created before the run and sent as the bearer

Also, per round: CPU time per request of each gateway process (robust on a shared machine), and
with a Python client at one connection: time to first byte of a streamed reply (nginx serves a
Chat Completions SSE stream on .../sse/v1; each gateway has a second instance pointed at it) and
laneway's own ``x-laneway-overhead-ms`` header next to its measured added latency.

Needs Debian `nginx-light` and `wrk` (apt-get install -y nginx-light wrk).

    .venv/bin/python bench/overhead.py [--duration 8] [--rounds 3] [--no-litellm] [--json out.json]
        [--keys memory redis]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
LITELLM_VENV = Path("/tmp/litellm-venv")
GATEWAY_CPU, LOAD_CPU = "0", "1"
MASTER_KEY = "sk-bench-master-key-000000"
SERVER_SECRET = "bench-server-secret-0000000000"
REDIS_URL = "redis://127.0.0.1:6379/0"
PROMPT = "Summarise the release notes below in one sentence. " + "The build now caches wheels. " * 8
CLK_TCK = os.sysconf("SC_CLK_TCK")

PASSTHROUGH = """
import os, aiohttp
UPSTREAM = os.environ["UPSTREAM"]
state = {}
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                state["s"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await state["s"].close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body, more = b"", True
    while more:
        msg = await receive()
        body += msg.get("body", b"")
        more = msg.get("more_body", False)
    async with state["s"].post(UPSTREAM + scope["path"], data=body,
                               headers={"content-type": "application/json"}) as resp:
        ctype = resp.headers.get("content-type", "application/json").encode()
        await send({"type": "http.response.start", "status": resp.status,
                    "headers": [(b"content-type", ctype)]})
        if ctype.startswith(b"text/event-stream"):
            async for data in resp.content.iter_any():
                await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        else:
            await send({"type": "http.response.body", "body": await resp.read()})
"""

WRK_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('@@{"p50":%d,"p99":%d,"requests":%d,"duration_us":%d,"non2xx":%d,"errors":%d}\\n',
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""
WRK_FIXED = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
"""
#: A distinct task text in every request: "<n> " in front of the prompt (n counts per connection
#: thread; one wrk thread, so every request of a run differs).
WRK_DISTINCT = """
local head, tail = {head}, {tail}
local n = 0
local headers = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {key}"}}
request = function()
  n = n + 1
  return wrk.format("POST", nil, headers, head .. "task " .. n .. ": " .. tail)
end
"""


@dataclass
class Target:
    name: str
    url: str  # full URL of /v1/chat/completions
    model: str
    proc: subprocess.Popen[bytes] | None = None
    distinct: bool = False  # a distinct task text in every request
    stream_url: str | None = None  # the instance pointed at the SSE upstream
    stream_proc: subprocess.Popen[bytes] | None = None
    key: str = MASTER_KEY  # the bearer wrk, the ready-wait and the probes send


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(
    url: str, body: bytes, timeout_s: float, proc: subprocess.Popen[bytes] | None, key: str = MASTER_KEY
) -> None:
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            req = urllib.request.Request(
                url,
                data=body,
                headers={"content-type": "application/json", "authorization": f"Bearer {key}"},
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                if resp.status == 200:
                    resp.read()
                    return
        except Exception as exc:  # noqa: BLE001 - polling a starting server: any failure means "not yet"
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {timeout_s}s: {last!r}")


def spawn(cmd: list[str], cpu: str, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    full_env = {**os.environ, **(env or {})}
    with log.open("wb") as out:
        return subprocess.Popen(
            ["taskset", "-c", cpu, *cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=full_env,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cpu_seconds(proc: subprocess.Popen[bytes] | None) -> float:
    """User + system CPU of every process in ``proc``'s session (workers included)."""
    if proc is None:
        return 0.0
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        if int(fields[3]) == proc.pid:  # field 5 (pgrp) after the ") " split
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def start_nginx(tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    prefix = tmp / "nginx"
    for sub in ("body", "proxy", "fastcgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = (REPO / "bench" / "fake_upstream" / "nginx.conf").read_text()
    conf = conf.replace("{prefix}", str(prefix)).replace("{port}", str(port))
    (prefix / "nginx.conf").write_text(conf)
    os.chmod(tmp, 0o755)
    proc = spawn(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
        LOAD_CPU,
        tmp / "nginx.log",
    )
    return proc, port


@dataclass(frozen=True)
class KeysSetup:
    """``auth.mode: keys`` with a SQLite key store and limits backend ``backend``."""

    backend: str  # limits backend: memory or redis
    store: Path  # the SQLite key store (shared by the target's plain and SSE instances)
    redis_prefix: str  # unique to the run (used with backend redis)

    def sections(self) -> dict[str, Any]:
        limits: dict[str, Any] = {"backend": self.backend}
        if self.backend == "redis":
            limits |= {"redis_url": REDIS_URL, "redis_prefix": self.redis_prefix}
        return {
            "auth": {"mode": "keys", "master_key_env": "BENCH_MASTER_KEY"},
            "keys": {"backend": "sqlite", "path": str(self.store)},
            "limits": limits,
        }


def laneway_config(tmp: Path, upstream: str, port: int, tag: str, keys: KeysSetup | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        # Tier 5: the account a gateway serving 1,000+ RPS has. At tier 1 (500k TPM) this load
        # (~29 tokens a request, 1,000 output tokens held while in flight) uses up
        # gpt-5.4-mini's TPM in about a minute; from then on laneway spills to the next model or
        # refuses with 429: real behaviour, but not the overhead this bench measures. The TPM
        # bucket is still taken, settled and reported (x-ratelimit-*) on every request.
        "server": {"host": "127.0.0.1", "port": port, "tier": 5},
        "auth": {"mode": "master", "master_key_env": "BENCH_MASTER_KEY"},
        "providers": [
            {"name": "nginx", "type": "openai", "base_url": upstream, "api_key_env": "BENCH_UPSTREAM_KEY"}
        ],
        "ledger": {"path": str(tmp / f"ledger{tag}.db")},
    }
    if keys is not None:
        config |= keys.sections()
    return config


LANEWAY_ENV = {
    "BENCH_MASTER_KEY": MASTER_KEY,
    "BENCH_UPSTREAM_KEY": "sk-upstream",
    "LANEWAY_SERVER_SECRET": SERVER_SECRET,
}


def create_key(tmp: Path, upstream: str, keys: KeysSetup) -> str:
    """One virtual key in ``keys.store`` (budget, RPM and TPM too high to refuse), by the CLI."""
    path = tmp / f"keys-create-{keys.backend}.yaml"
    path.write_text(json.dumps(laneway_config(tmp, upstream, 0, f"-keys-create-{keys.backend}", keys)))
    cmd = [
        str(VENV_BIN / "laneway"), "keys", "create", "--config", str(path), "--name", f"bench-{keys.backend}",
        "--budget-usd", "100000", "--period", "day", "--rpm", "10000000", "--tpm", "1000000000", "--json",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env={**os.environ, **LANEWAY_ENV})
    return str(json.loads(out.stdout)["key"])


def start_laneway(
    tmp: Path, upstream: str, tag: str = "", keys: KeysSetup | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    config = laneway_config(tmp, upstream, port, tag, keys)
    (tmp / f"laneway{tag}.yaml").write_text(json.dumps(config))  # JSON is YAML
    cmd = [
        str(VENV_BIN / "laneway"),
        "serve",
        "--config",
        str(tmp / f"laneway{tag}.yaml"),
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    proc = spawn(cmd, GATEWAY_CPU, tmp / f"laneway{tag}.log", LANEWAY_ENV)
    return proc, f"http://127.0.0.1:{port}/v1/chat/completions"


def start_passthrough(tmp: Path, upstream: str, tag: str = "") -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    (tmp / "passthrough.py").write_text(PASSTHROUGH)
    cmd = [
        str(VENV_BIN / "python"),
        "-m",
        "uvicorn",
        "passthrough:app",
        "--app-dir",
        str(tmp),
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    env = {"UPSTREAM": upstream.removesuffix("/v1")}
    proc = spawn(cmd, GATEWAY_CPU, tmp / f"passthrough{tag}.log", env)
    return proc, f"http://127.0.0.1:{port}/v1/chat/completions"


def ensure_litellm() -> Path | None:
    exe = LITELLM_VENV / "bin" / "litellm"
    if exe.exists():
        return exe
    print("installing litellm[proxy] into", LITELLM_VENV, file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(LITELLM_VENV)], check=True)
    done = subprocess.run([str(LITELLM_VENV / "bin" / "pip"), "install", "-q", "litellm[proxy]"], check=False)
    return exe if done.returncode == 0 and exe.exists() else None


def start_litellm(tmp: Path, upstream: str, tag: str = "") -> tuple[subprocess.Popen[bytes], str] | None:
    exe = ensure_litellm()
    if exe is None:
        print("litellm unavailable: skipped", file=sys.stderr)
        return None
    port = free_port()
    config = {
        "model_list": [
            {
                "model_name": "gpt-5.4-mini",
                "litellm_params": {
                    "model": "openai/gpt-5.4-mini",
                    "api_base": upstream,
                    "api_key": "sk-upstream",
                },
            }
        ],
        "litellm_settings": {"set_verbose": False, "telemetry": False},
        "general_settings": {"master_key": MASTER_KEY},
    }
    (tmp / f"litellm{tag}.yaml").write_text(json.dumps(config))
    cmd = [
        str(exe),
        "--config",
        str(tmp / f"litellm{tag}.yaml"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--num_workers",
        "1",
    ]
    env = {"LITELLM_LOG": "ERROR", "LITELLM_TELEMETRY": "False", "DISABLE_SCHEMA_UPDATE": "true"}
    proc = spawn(cmd, GATEWAY_CPU, tmp / f"litellm{tag}.log", env)
    return proc, f"http://127.0.0.1:{port}/v1/chat/completions"


def body_for(model: str, *, stream: bool = False, task: str = PROMPT) -> bytes:
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": task}]}
    if stream:
        body["stream"] = True
    return json.dumps(body).encode()


def wrk_script(target: Target) -> str:
    if not target.distinct:
        return WRK_FIXED.format(body=json.dumps(body_for(target.model).decode()), key=target.key) + WRK_DONE
    marker = "@@TASK@@"
    head, tail = body_for(target.model, task=marker).decode().split(marker)
    return (
        WRK_DISTINCT.format(head=json.dumps(head), tail=json.dumps(PROMPT + tail), key=target.key) + WRK_DONE
    )


def run_wrk(tmp: Path, target: Target, conns: int, duration_s: float) -> dict[str, float]:
    script = tmp / f"wrk-{target.name}.lua"
    script.write_text(wrk_script(target))
    cmd = [
        "taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{conns}", f"-d{duration_s:g}s",
        "--timeout", "10s", "-s", str(script), target.url,
    ]  # fmt: skip
    cpu0 = cpu_seconds(target.proc)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(target.proc) - cpu0
    line = next(line for line in out.splitlines() if line.startswith("@@"))
    raw = json.loads(line[2:])
    return {
        "p50_ms": raw["p50"] / 1000,
        "p99_ms": raw["p99"] / 1000,
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "requests": raw["requests"],
        "failed": raw["non2xx"] + raw["errors"],
        "cpu_us_per_request": cpu * 1e6 / raw["requests"] if target.proc is not None else 0.0,
    }


# --- the one-connection probe: time to first byte of a stream, and laneway's overhead header -------


class Probe:
    """Sequential requests on one keep-alive connection; times the first body byte and the end."""

    def __init__(self, url: str, key: str = MASTER_KEY) -> None:
        self.key = key
        rest = url.removeprefix("http://")
        hostport, _, path = rest.partition("/")
        host, _, port = hostport.partition(":")
        self.path = "/" + path
        self.sock = socket.create_connection((host, int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = hostport

    def close(self) -> None:
        self.sock.close()

    def request(self, body: bytes) -> tuple[float, float, dict[str, str]]:
        """(seconds to the first body byte, seconds to the end, response headers)."""
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {self.key}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        start = time.perf_counter()
        self.sock.sendall(head + body)
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += self._recv()
        raw_head, _, data = buf.partition(b"\r\n\r\n")
        lines = raw_head.decode("latin-1").split("\r\n")
        if not lines[0].split()[1].startswith("2"):
            raise RuntimeError(f"{self.path}: {lines[0]}")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        while not data:
            data = self._recv()
        first = time.perf_counter() - start
        if "content-length" in headers:
            need = int(headers["content-length"])
            while len(data) < need:
                data += self._recv()
        else:  # chunked: the terminating zero-size chunk ends the body
            while not data.endswith(b"0\r\n\r\n"):
                data += self._recv()
        return first, time.perf_counter() - start, headers

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError(f"{self.path}: connection closed")
        return chunk


def probe(url: str, body: bytes, n: int, key: str = MASTER_KEY) -> list[tuple[float, float, dict[str, str]]]:
    conn = Probe(url, key)
    try:
        for _ in range(20):  # warm the connection and the gateway's upstream pool
            conn.request(body)
        return [conn.request(body) for _ in range(n)]
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conns", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--probe-requests", type=int, default=300, help="sequential requests per probe")
    parser.add_argument("--no-litellm", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--keys",
        nargs="*",
        choices=["memory", "redis"],
        default=[],
        help="also laneway with virtual keys and budgets, limits backend memory and/or redis "
        "(target laneway-keys-<backend>; redis at 127.0.0.1:6379)",
    )
    args = parser.parse_args()
    for tool in ("nginx", "wrk", "taskset"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y nginx-light wrk", file=sys.stderr)
            return 2

    tmp = Path(tempfile.mkdtemp(prefix="laneway-bench-"))
    procs: list[subprocess.Popen[bytes] | None] = []
    redis_prefix = f"laneway-bench-{uuid.uuid4().hex[:12]}:"
    try:
        nginx, nginx_port = start_nginx(tmp)
        procs.append(nginx)
        upstream = f"http://127.0.0.1:{nginx_port}/v1"
        sse = f"http://127.0.0.1:{nginx_port}/sse/v1"
        targets = [
            Target(
                "direct", f"{upstream}/chat/completions", "gpt-5.4-mini", stream_url=f"{sse}/chat/completions"
            )
        ]
        Starter = Callable[..., tuple[subprocess.Popen[bytes], str] | None]
        starters: list[tuple[str, str, Starter, str]] = [
            ("passthrough", "gpt-5.4-mini", start_passthrough, MASTER_KEY),
            ("laneway", "laneway/auto", start_laneway, MASTER_KEY),
        ]
        if not args.no_litellm:
            starters.append(("litellm", "gpt-5.4-mini", start_litellm, MASTER_KEY))
        for backend in dict.fromkeys(args.keys):
            setup = KeysSetup(backend, tmp / f"keys-{backend}.db", f"{redis_prefix}{backend}:")
            key = create_key(tmp, upstream, setup)

            def start_keyed(
                tmp: Path, upstream: str, tag: str = "", _setup: KeysSetup = setup
            ) -> tuple[subprocess.Popen[bytes], str]:
                return start_laneway(tmp, upstream, f"-keys-{_setup.backend}{tag}", _setup)

            starters.append((f"laneway-keys-{backend}", "laneway/auto", start_keyed, key))
        for name, model, start, key in starters:
            started = start(tmp, upstream)
            streamed = start(tmp, sse, "-sse") if started is not None else None
            if started is None or streamed is None:
                continue
            target = Target(
                name, started[1], model, started[0], stream_url=streamed[1], stream_proc=streamed[0], key=key
            )
            targets.append(target)
            procs.extend((target.proc, target.stream_proc))
            if name == "laneway":  # the same server, every request a new task text
                targets.append(Target("laneway-distinct", target.url, model, target.proc, distinct=True))
        for target in targets:
            wait_ready(target.url, body_for(target.model), 180.0, target.proc, target.key)
            if target.stream_url and not target.distinct:
                wait_ready(
                    target.stream_url,
                    body_for(target.model, stream=True),
                    180.0,
                    target.stream_proc,
                    target.key,
                )
            run_wrk(tmp, target, 8, 2.0)  # warm-up: pools, caches, lazy imports

        results: dict[str, dict[int, list[dict[str, float]]]] = {
            t.name: {c: [] for c in args.conns} for t in targets
        }
        probes: dict[str, list[dict[str, float]]] = {t.name: [] for t in targets if not t.distinct}
        rng = random.Random(0)
        for rnd in range(args.rounds):
            for conns in args.conns:
                order = targets[:]
                rng.shuffle(order)
                for target in order:
                    results[target.name][conns].append(run_wrk(tmp, target, conns, args.duration))
            order = [t for t in targets if not t.distinct]
            rng.shuffle(order)
            for target in order:
                probes[target.name].append(probe_round(target, args.probe_requests))
            print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)
        load = os.getloadavg()
        report = summarise(results, probes, args.conns)
        print_table(report, args, load)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "args": vars(args) | {"json": str(args.json)},
                        "machine": machine(load),
                        "report": report,
                        "raw": results,
                        "probes": probes,
                    },
                    indent=2,
                )
            )
        return 0
    finally:
        for proc in reversed(procs):
            stop(proc)
        if "redis" in args.keys:
            drop_redis_prefix(redis_prefix)
        shutil.rmtree(tmp, ignore_errors=True)


def drop_redis_prefix(prefix: str) -> None:
    """Delete every Redis key this run wrote (all under ``prefix``)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        names = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if names:
            client.delete(*names)
        print(f"redis: deleted {len(names)} keys under {prefix}", file=sys.stderr)
    except redis.RedisError as exc:
        print(f"redis: could not delete the keys under {prefix}: {exc}", file=sys.stderr)
    finally:
        client.close()


def probe_round(target: Target, n: int) -> dict[str, float]:
    """One connection: medians of time-to-first-byte of a stream, and of a plain request."""
    assert target.stream_url is not None
    streamed = probe(target.stream_url, body_for(target.model, stream=True), n, target.key)
    plain = probe(target.url, body_for(target.model), n, target.key)
    out = {
        "ttfb_stream_ms": statistics.median(s[0] for s in streamed) * 1000,
        "stream_total_ms": statistics.median(s[1] for s in streamed) * 1000,
        "plain_ms": statistics.median(s[1] for s in plain) * 1000,
    }
    header = [float(h["x-laneway-overhead-ms"]) for _, _, h in plain if "x-laneway-overhead-ms" in h]
    if header:
        out["overhead_header_ms"] = statistics.median(header)
    return out


def machine(load: tuple[float, float, float]) -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"cpu": model, "cpus": os.cpu_count(), "loadavg_at_end": [round(x, 2) for x in load]}


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summarise(
    results: dict[str, dict[int, list[dict[str, float]]]],
    probes: dict[str, list[dict[str, float]]],
    conns: list[int],
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, by_conns in results.items():
        report[name] = {}
        for c in conns:
            runs, base = by_conns[c], results["direct"][c]
            entry: dict[str, Any] = {
                "p50_ms": _med([r["p50_ms"] for r in runs]),
                "p99_ms": _med([r["p99_ms"] for r in runs]),
                "rps": _med([r["rps"] for r in runs]),
                "added_p50_ms": _med([r["p50_ms"] - b["p50_ms"] for r, b in zip(runs, base, strict=True)]),
                "added_p99_ms": _med([r["p99_ms"] - b["p99_ms"] for r, b in zip(runs, base, strict=True)]),
                "cpu_us_per_request": _med([r["cpu_us_per_request"] for r in runs]),
                "failed": sum(r["failed"] for r in runs),
                "requests": sum(r["requests"] for r in runs),
            }
            if "passthrough" in results and name != "direct":
                pt = results["passthrough"][c]
                entry["rps_vs_passthrough"] = _med(
                    [r["rps"] / p["rps"] for r, p in zip(runs, pt, strict=True)]
                )
            report[name][c] = entry
    direct = probes.get("direct", [])
    for name, rounds in probes.items():
        if not rounds:
            continue
        stream = report[name].setdefault("stream", {})
        stream["ttfb_ms"] = _med([r["ttfb_stream_ms"] for r in rounds])
        stream["added_ttfb_ms"] = _med(
            [r["ttfb_stream_ms"] - d["ttfb_stream_ms"] for r, d in zip(rounds, direct, strict=True)]
        )
        stream["added_plain_ms"] = _med(
            [r["plain_ms"] - d["plain_ms"] for r, d in zip(rounds, direct, strict=True)]
        )
        if any("overhead_header_ms" in r for r in rounds):
            stream["overhead_header_ms"] = _med(
                [r["overhead_header_ms"] for r in rounds if "overhead_header_ms" in r]
            )
    return report


def print_table(report: dict[str, Any], args: argparse.Namespace, load: tuple[float, float, float]) -> None:
    conns = args.conns
    print(
        f"\nGateway overhead (median of {args.rounds} interleaved rounds x {args.duration:g}s; gateways on "
        f"CPU {GATEWAY_CPU}, nginx+wrk on CPU {LOAD_CPU}; load average at the end {load[0]:.2f} {load[1]:.2f})\n"
    )
    head = (
        "| target | "
        + " | ".join(f"c={c} added p50 ms | c={c} added p99 ms | c={c} RPS | c={c} CPU us/req" for c in conns)
        + " | RPS vs pass-through (c="
        + str(conns[-1])
        + ") | added TTFT (stream, c=1) | failed |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name, by_c in report.items():
        cells = []
        for c in conns:
            r = by_c[c]
            cells.append(
                f"{r['added_p50_ms']:+.2f} | {r['added_p99_ms']:+.2f} | {r['rps']:,.0f} | {r['cpu_us_per_request']:,.0f}"
            )
        ratio = by_c[conns[-1]].get("rps_vs_passthrough")
        stream = by_c.get("stream")
        failed = sum(by_c[c]["failed"] for c in conns)
        print(
            f"| {name} | "
            + " | ".join(cells)
            + f" | {'' if ratio is None else f'{ratio:.0%}'}"
            + f" | {'' if stream is None else format(stream['added_ttfb_ms'], '+.2f') + ' ms'} | {failed} |"
        )
    lw = report.get("laneway", {}).get("stream", {})
    if "overhead_header_ms" in lw:
        print(
            f"\nlaneway x-laneway-overhead-ms (median, c=1): {lw['overhead_header_ms']:.3f} ms; "
            f"measured added latency at c=1 over direct: {lw['added_plain_ms']:.3f} ms, "
            f"pass-through's: {report['passthrough']['stream']['added_plain_ms']:.3f} ms"
        )


if __name__ == "__main__":
    sys.exit(main())
