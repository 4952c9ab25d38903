"""A large input read by several worker processes gives the report one process gives."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from laneway.engine import Engine
from laneway.planner import InputFile, InputFormat, result, workers
from laneway.planner.policies import assumptions
from laneway.planner.readers import expand, read_all
from laneway.planner.readers.lines import line_spans
from laneway.planner.report import to_json
from laneway.planner.simulate import Simulator

from .conftest import ROLLOUTS

TASKS = ("fix the failing make target", "summarise the release notes", "review this diff", "hello")


def _log(n: int) -> list[Any]:
    rng = random.Random(3)
    lines: list[Any] = []
    for i in range(n):
        if i % 37 == 36:
            lines.append("{not json")
            continue
        steps = rng.randint(0, 4)
        items: list[dict[str, Any]] = [{"role": "user", "content": rng.choice(TASKS)}]
        for s in range(steps):
            items.append(
                {"type": "function_call", "name": "exec_command", "call_id": f"c{s}", "arguments": "{}"}
            )
            items.append(
                {"type": "function_call_output", "call_id": f"c{s}", "output": f"exited with code {s % 2}"}
            )
        tools = [{"type": "function", "name": "exec_command"}] + (
            [{"type": "web_search"}] if i % 5 == 0 else []
        )
        body = {"model": "laneway/auto", "input": items, "tools": tools}
        if i % 11 == 0:
            body["metadata"] = {"lane": "cloud_task"}
        usage = {"input_tokens": rng.randint(100, 5000), "output_tokens": rng.randint(1, 500),
                 "input_tokens_details": {"cached_tokens": rng.randint(0, 90)}}  # fmt: skip
        line: dict[str, Any] = {"request": body, "response": {"usage": usage}}
        if i % 13:
            line["timestamp"] = 1_790_000_000 + 7 * i
        lines.append(line)
    return lines


def _report(engine: Engine, file: InputFile, feed: Callable[[Simulator], None]) -> dict[str, Any]:
    sim = Simulator(engine, assumptions(engine.catalog, engine.settings))
    feed(sim)
    share = sim.finish()
    return result.build(sim, tier=1, files=1, random_share=share)


def test_two_workers_over_small_chunks_give_the_single_process_report(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path]
) -> None:
    path = write_jsonl("log.jsonl", _log(1_000))
    file = InputFile(path, InputFormat.OPENAI, path.stat().st_size)

    def alone(sim: Simulator) -> None:
        for item in read_all(engine, [file]):
            sim.add(item)

    single = _report(engine, file, alone)
    split = _report(engine, file, lambda sim: workers.simulate(sim, [file], jobs=2, step=20_000))

    assert len(workers.chunks([file], 20_000)) > 10
    assert to_json(split) == to_json(single)
    # the bad lines listed are the file's own line numbers, also those read by later chunks
    assert [bad["line"] for bad in split["inputs"]["malformed"]["first"]] == list(range(37, 37 * 21, 37))


def test_line_spans_cover_the_file_and_start_at_line_starts(
    write_jsonl: Callable[[str, Sequence[Any]], Path],
) -> None:
    path = write_jsonl("log.jsonl", [json.dumps({"n": "x" * (i % 97)}) for i in range(500)])
    data = path.read_bytes()

    spans = line_spans(path, len(data), 1_000)

    assert spans[0].start == 0 and spans[-1].end is None
    assert all(a.end == b.start for a, b in itertools.pairwise(spans))
    assert all(data[s.start - 1 : s.start] == b"\n" for s in spans[1:])


def test_codex_rollouts_and_a_log_together_by_workers_give_the_single_process_report(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path]
) -> None:
    log = write_jsonl("log.jsonl", _log(300))
    files = expand([ROLLOUTS, log])
    sim_alone = Simulator(engine, assumptions(engine.catalog, engine.settings))
    for item in read_all(engine, files):
        sim_alone.add(item)
    sim_split = Simulator(engine, assumptions(engine.catalog, engine.settings))
    workers.simulate(sim_split, files, jobs=2, step=10_000)

    reports = []
    for sim in (sim_alone, sim_split):
        share = sim.finish()
        reports.append(to_json(result.build(sim, tier=1, files=len(files), random_share=share)))

    assert reports[0] == reports[1]
    assert json.loads(reports[0])["inputs"]["formats"].keys() == {"codex", "openai"}
