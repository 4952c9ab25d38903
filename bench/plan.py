"""Planner throughput and memory: records/s and peak RSS on generated request logs.

Generates a Responses request/response log of ~2 KB records (agent sessions: each task is sent
``--calls-per-task`` times with a growing tool history, as agent loops re-send it), then runs the
full ``laneway plan`` pipeline (read -> profile -> classify -> policy -> simulate -> report) on it in
a fresh subprocess per size and reports records/s, the subprocess's peak RSS and the largest peak
RSS of its worker processes (inputs over 32 MiB are read by one worker per CPU; ``--jobs 1`` reads
in-process), the CPU time spent per record (parent and workers, user + system: the work, which the
load of the machine does not change much), the CPUs the run got (CPU time / wall time: about 2 with
two workers on two idle cores, less when other processes compete for them) and the load average
before each run (these machines are shared: compare wall-clock rates of runs made under the same
load).

    .venv/bin/python bench/plan.py                 # 50,000 and 200,000 records
    .venv/bin/python bench/plan.py --sizes 200000 --calls-per-task 1   # every task text unique
    .venv/bin/python bench/plan.py --jobs 1        # one process
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

VERBS = (
    "fix",
    "refactor",
    "summarise",
    "review",
    "debug",
    "explain",
    "deploy",
    "document",
    "test",
    "optimise",
)
OBJECTS = ("the failing make target", "the docker build in CI", "the login form", "the release notes",
           "the payment retry logic", "this diff", "the flaky integration test", "the settings screen",
           "the kubernetes manifest", "the database migration")  # fmt: skip
SYSTEM = "You are a coding agent. Follow the repository conventions and keep changes small. " * 14


def _record(rng: random.Random, task: str, step: int, ts: float, session: str) -> dict[str, object]:
    items: list[dict[str, object]] = [
        {"role": "developer", "content": SYSTEM},
        {"role": "user", "content": task},
    ]
    for i in range(step):
        items.append({"type": "function_call", "name": "exec_command", "call_id": f"c{i}",
                      "arguments": json.dumps({"cmd": f"make test -k case_{i}"})})  # fmt: skip
        items.append({"type": "function_call_output", "call_id": f"c{i}",
                      "output": f"Process exited with code {rng.choice((0, 0, 1))}\nok " + "." * 40})  # fmt: skip
    usage = {"input_tokens": 500 + 60 * step, "input_tokens_details": {"cached_tokens": 400 * (step > 0)},
             "output_tokens": rng.randint(50, 400), "output_tokens_details": {"reasoning_tokens": 20}}  # fmt: skip
    body = {"model": "laneway/auto", "input": items, "prompt_cache_key": session,
            "tools": [{"type": "function", "name": "exec_command", "description": "Runs a command."}]}  # fmt: skip
    return {"timestamp": round(ts, 3), "request": body, "response": {"usage": usage}}


def generate(path: Path, n: int, calls_per_task: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    ts = 1_790_000_000.0
    with path.open("w") as fh:
        written = 0
        task_no = 0
        while written < n:
            task_no += 1
            task = (
                f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} (ticket {task_no}): "
                + "details " * rng.randint(5, 40)
            )
            for step in range(min(calls_per_task, n - written)):
                ts += rng.expovariate(5.0)  # ~5 requests per second
                fh.write(json.dumps(_record(rng, task, step % 6, ts, f"s{task_no}")) + "\n")
                written += 1
    return path.stat().st_size


CHILD = """
import json, resource, sys, time
from pathlib import Path
from laneway.engine import Engine
from laneway.planner import plan
engine = Engine.default()
jobs = int(sys.argv[2]) if sys.argv[2] != "auto" else None
def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
cpu0, start = cpu(), time.perf_counter()
report = plan(engine, [Path(sys.argv[1])], jobs=jobs)
elapsed, cpu_seconds = time.perf_counter() - start, cpu() - cpu0
print(json.dumps({"records": report["inputs"]["records"], "seconds": elapsed, "cpu_seconds": cpu_seconds,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "workers_maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run(path: Path, jobs: str = "auto") -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), jobs], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--calls-per-task", type=int, default=8, help="requests per task text (agent loop)")
    parser.add_argument("--jobs", default="auto", help="worker processes (auto: one per CPU; 1: in-process)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; calls per task: {args.calls_per_task}; jobs: {args.jobs}; "
          f"CPUs: {os.cpu_count()}")  # fmt: skip
    print(f"{'records':>9} {'file MB':>8} {'avg KB':>7} {'seconds':>8} {'records/s':>10} {'CPU us/rec':>11} {'CPUs used':>10} "
          f"{'peak RSS MB':>12} {'worker RSS MB':>14} {'load 1m':>8}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="laneway-bench-plan-") as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"log-{n}.jsonl"
            size = generate(path, n, args.calls_per_task)
            load = os.getloadavg()[0]
            result = run(path, args.jobs)
            rate = result["records"] / result["seconds"]
            per_record = result["cpu_seconds"] / result["records"] * 1e6
            print(f"{int(result['records']):>9} {size / 1e6:>8.1f} {size / n / 1024:>7.2f} "
                  f"{result['seconds']:>8.2f} {rate:>10,.0f} {per_record:>11.1f} {result['cpu_seconds'] / result['seconds']:>10.2f} {result['maxrss_kb'] / 1024:>12.1f} "
                  f"{result['workers_maxrss_kb'] / 1024:>14.1f} {load:>8.2f}")  # fmt: skip
            path.unlink()


if __name__ == "__main__":
    main()
