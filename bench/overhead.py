"""Gateway overhead: laneway vs a bare pass-through vs LiteLLM, on one fast fake upstream, one run.

Method (shared/design/LESSONS.md, "Measuring a gateway"): the same instant fake upstream (nginx
returning a fixed Chat Completions reply) and the same load generator (wrk) for every target; each
gateway pinned to CPU 0, nginx and wrk to CPU 1; targets interleaved in a shuffled order every
round; overhead reported as a *differential* against direct-to-nginx from the same round (median
over rounds). Success is counted at the client (non-2xx and socket errors are reported).

Targets:
  direct       wrk -> nginx
  passthrough  a ~30-line raw ASGI app on uvicorn (uvloop, httptools) forwarding with aiohttp:
               the floor of any Python gateway
  laneway      `laneway serve` routing model "laneway/auto" (auth, profile, classify, policy,
               accounting, SQLite ledger)
  litellm      LiteLLM proxy from its own venv (/tmp/litellm-venv; installed if missing)

Needs Debian `nginx-light` and `wrk` (apt-get install -y nginx-light wrk).

    .venv/bin/python bench/overhead.py [--duration 8] [--rounds 3] [--no-litellm] [--json out.json]
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
LITELLM_VENV = Path("/tmp/litellm-venv")
GATEWAY_CPU, LOAD_CPU = "0", "1"
PROMPT = "Summarise the release notes below in one sentence. " + "The build now caches wheels. " * 8

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
        data = await resp.read()
        await send({"type": "http.response.start", "status": resp.status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": data})
"""

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench-master"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('@@{{"p50":%d,"p99":%d,"requests":%d,"duration_us":%d,"non2xx":%d,"errors":%d}}\\n',
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Target:
    name: str
    url: str  # full URL of /v1/chat/completions
    model: str
    proc: subprocess.Popen[bytes] | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, body: bytes, timeout_s: float, proc: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            req = urllib.request.Request(
                url,
                data=body,
                headers={"content-type": "application/json", "authorization": "Bearer sk-bench-master"},
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                if resp.status == 200:
                    json.loads(resp.read())
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


def start_laneway(tmp: Path, upstream: str) -> Target:
    port = free_port()
    config = {
        "server": {"host": "127.0.0.1", "port": port},
        "auth": {"mode": "master", "master_key_env": "BENCH_MASTER_KEY"},
        "providers": [
            {"name": "nginx", "type": "openai", "base_url": upstream, "api_key_env": "BENCH_UPSTREAM_KEY"}
        ],
        "ledger": {"path": str(tmp / "ledger.db")},
    }
    (tmp / "laneway.yaml").write_text(json.dumps(config))  # JSON is YAML
    cmd = [
        str(VENV_BIN / "laneway"),
        "serve",
        "--config",
        str(tmp / "laneway.yaml"),
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    env = {
        "BENCH_MASTER_KEY": "sk-bench-master",
        "BENCH_UPSTREAM_KEY": "sk-upstream",
        "LANEWAY_SERVER_SECRET": "bench",
    }
    proc = spawn(cmd, GATEWAY_CPU, tmp / "laneway.log", env)
    return Target("laneway", f"http://127.0.0.1:{port}/v1/chat/completions", "laneway/auto", proc)


def start_passthrough(tmp: Path, upstream: str) -> Target:
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
    proc = spawn(cmd, GATEWAY_CPU, tmp / "passthrough.log", {"UPSTREAM": upstream.removesuffix("/v1")})
    return Target("passthrough", f"http://127.0.0.1:{port}/v1/chat/completions", "gpt-5.4-mini", proc)


def ensure_litellm() -> Path | None:
    exe = LITELLM_VENV / "bin" / "litellm"
    if exe.exists():
        return exe
    print("installing litellm[proxy] into", LITELLM_VENV, file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(LITELLM_VENV)], check=True)
    done = subprocess.run([str(LITELLM_VENV / "bin" / "pip"), "install", "-q", "litellm[proxy]"], check=False)
    return exe if done.returncode == 0 and exe.exists() else None


def start_litellm(tmp: Path, upstream: str) -> Target | None:
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
        "general_settings": {"master_key": "sk-bench-master"},
    }
    (tmp / "litellm.yaml").write_text(json.dumps(config))
    cmd = [
        str(exe),
        "--config",
        str(tmp / "litellm.yaml"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--num_workers",
        "1",
    ]
    env = {"LITELLM_LOG": "ERROR", "LITELLM_TELEMETRY": "False", "DISABLE_SCHEMA_UPDATE": "true"}
    proc = spawn(cmd, GATEWAY_CPU, tmp / "litellm.log", env)
    return Target("litellm", f"http://127.0.0.1:{port}/v1/chat/completions", "gpt-5.4-mini", proc)


def body_for(model: str) -> bytes:
    return json.dumps({"model": model, "messages": [{"role": "user", "content": PROMPT}]}).encode()


def run_wrk(tmp: Path, target: Target, conns: int, duration_s: float) -> dict[str, float]:
    script = tmp / f"wrk-{target.name}.lua"
    script.write_text(WRK_SCRIPT.format(body=json.dumps(body_for(target.model).decode())))
    cmd = [
        "taskset",
        "-c",
        LOAD_CPU,
        "wrk",
        "-t1",
        f"-c{conns}",
        f"-d{duration_s:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        target.url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("@@"))
    raw = json.loads(line[2:])
    return {
        "p50_ms": raw["p50"] / 1000,
        "p99_ms": raw["p99"] / 1000,
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "requests": raw["requests"],
        "failed": raw["non2xx"] + raw["errors"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conns", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--no-litellm", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    for tool in ("nginx", "wrk", "taskset"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y nginx-light wrk", file=sys.stderr)
            return 2

    tmp = Path(tempfile.mkdtemp(prefix="laneway-bench-"))
    procs: list[subprocess.Popen[bytes] | None] = []
    try:
        nginx, nginx_port = start_nginx(tmp)
        procs.append(nginx)
        upstream = f"http://127.0.0.1:{nginx_port}/v1"
        direct = Target("direct", f"{upstream}/chat/completions", "gpt-5.4-mini")
        targets = [direct, start_passthrough(tmp, upstream), start_laneway(tmp, upstream)]
        if not args.no_litellm and (litellm := start_litellm(tmp, upstream)) is not None:
            targets.append(litellm)
        procs.extend(t.proc for t in targets)
        for target in targets:
            wait_ready(target.url, body_for(target.model), 180.0, target.proc)
            run_wrk(tmp, target, 8, 2.0)  # warm-up: pools, caches, JIT-less but import-lazy paths

        results: dict[str, dict[int, list[dict[str, float]]]] = {
            t.name: {c: [] for c in args.conns} for t in targets
        }
        rng = random.Random(0)
        for rnd in range(args.rounds):
            for conns in args.conns:
                order = targets[:]
                rng.shuffle(order)
                for target in order:
                    results[target.name][conns].append(run_wrk(tmp, target, conns, args.duration))
            print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)
        report = summarise(results, args.conns)
        print_table(report, args)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {"args": vars(args) | {"json": str(args.json)}, "report": report, "raw": results},
                    indent=2,
                )
            )
        return 0
    finally:
        for proc in reversed(procs):
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def summarise(results: dict[str, dict[int, list[dict[str, float]]]], conns: list[int]) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, by_conns in results.items():
        report[name] = {}
        for c in conns:
            runs, base = by_conns[c], results["direct"][c]
            report[name][c] = {
                "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                "p99_ms": statistics.median(r["p99_ms"] for r in runs),
                "rps": statistics.median(r["rps"] for r in runs),
                "added_p50_ms": statistics.median(
                    r["p50_ms"] - b["p50_ms"] for r, b in zip(runs, base, strict=True)
                ),
                "added_p99_ms": statistics.median(
                    r["p99_ms"] - b["p99_ms"] for r, b in zip(runs, base, strict=True)
                ),
                "failed": sum(r["failed"] for r in runs),
                "requests": sum(r["requests"] for r in runs),
            }
    return report


def print_table(report: dict[str, Any], args: argparse.Namespace) -> None:
    conns = args.conns
    print(
        f"\nGateway overhead (median of {args.rounds} interleaved rounds x {args.duration:g}s; gateways on CPU {GATEWAY_CPU}, nginx+wrk on CPU {LOAD_CPU})\n"
    )
    head = (
        "| target | "
        + " | ".join(f"c={c} p50 ms | c={c} p99 ms | added p50 | added p99 | RPS" for c in conns)
        + " | failed |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name, by_c in report.items():
        cells = []
        for c in conns:
            r = by_c[c]
            cells.append(
                f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['added_p50_ms']:+.2f} | {r['added_p99_ms']:+.2f} | {r['rps']:,.0f}"
            )
        failed = sum(by_c[c]["failed"] for c in conns)
        print(f"| {name} | " + " | ".join(cells) + f" | {failed} |")
    if "passthrough" in report and "laneway" in report:
        print()
        for c in conns:
            lw, pt = report["laneway"][c], report["passthrough"][c]
            line = f"c={c}: laneway RPS = {lw['rps'] / pt['rps']:.0%} of pass-through"
            if "litellm" in report:
                ll = report["litellm"][c]
                line += f", {lw['rps'] / ll['rps']:.1f}x LiteLLM's; added p50 {lw['added_p50_ms']:.2f} ms vs LiteLLM {ll['added_p50_ms']:.2f} ms"
            print(line)


if __name__ == "__main__":
    sys.exit(main())
