"""Reading a large input on several cores: chunks simulated in worker processes, merged in order.

An OpenAI log holds one record per line, so a large one is cut at line starts into chunks of about
``CHUNK_BYTES``; a Codex rollout or a ledger is one chunk. Each worker process runs the same engine
over its chunks with its own :class:`~laneway.planner.simulate.Simulator` and sends back the
partial sums (:class:`~laneway.planner.simulate.Partial`). The parent merges them in input order,
shifting problem lines by the lines of the chunks before, so the report is the one a single
process makes: token sums and counts are integers, and a minute's tokens add up across chunks.
Memory stays flat: a worker holds one record at a time, the parent a few small partials.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from laneway.engine import Engine
from laneway.errors import InputError
from laneway.planner import readers
from laneway.planner.policies import Assumptions
from laneway.planner.readers import InputFile
from laneway.planner.readers.lines import Progress, Span, line_spans, no_progress
from laneway.planner.simulate import Partial, Simulator

#: Target size of one chunk of an OpenAI log.
CHUNK_BYTES = 16 << 20
#: Inputs smaller than this are read in-process: starting workers would cost more than it saves.
MIN_PARALLEL_BYTES = 32 << 20
#: How often the parent checks that its workers are still alive while it waits (seconds).
_POLL_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    file: InputFile
    span: Span | None  # None: the whole file


@dataclass(frozen=True, slots=True)
class Done:
    index: int
    partial: Partial | None
    lines: int  # lines in the chunk (to number the next chunk's lines)
    size: int  # bytes, for the progress bar
    error: str | None = None  # an InputError's message
    crash: str | None = None  # any other exception's traceback


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_it(files: Sequence[InputFile], jobs: int) -> bool:
    return jobs > 1 and sum(f.size for f in files) >= MIN_PARALLEL_BYTES


def chunks(files: Sequence[InputFile], step: int = CHUNK_BYTES) -> list[Chunk]:
    out: list[Chunk] = []
    for file in files:
        if readers.splittable(file) and file.size > step:
            out += [
                Chunk(len(out) + i, file, s) for i, s in enumerate(line_spans(file.path, file.size, step))
            ]
        else:
            out.append(Chunk(len(out), file, None))
    return out


def _size(chunk: Chunk) -> int:
    span = chunk.span
    if span is None:
        return chunk.file.size
    return (chunk.file.size if span.end is None else span.end) - span.start


def work(engine: Engine, assumptions: Assumptions, tasks: Any, results: Any) -> None:
    """A worker process: simulate chunks from ``tasks`` until ``None``; partials to ``results``."""
    while (chunk := tasks.get()) is not None:
        sim = Simulator(engine, assumptions)
        span = chunk.span
        try:
            sim.feed(readers.read(engine, chunk.file, no_progress, span))
        except InputError as exc:
            results.put(Done(chunk.index, None, 0, _size(chunk), error=str(exc)))
        except Exception:  # forwarded to the parent, which raises it  # noqa: BLE001
            results.put(Done(chunk.index, None, 0, _size(chunk), crash=traceback.format_exc()))
        else:
            lines = span.lines if span is not None else 0
            results.put(Done(chunk.index, sim.partial(), lines, _size(chunk)))


def _context() -> Any:  # typeshed's BaseContext has no .Process; the concrete ones do
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")  # cheapest; only safe without other threads
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


def simulate(
    sim: Simulator,
    files: Sequence[InputFile],
    *,
    jobs: int,
    progress: Progress = no_progress,
    step: int = CHUNK_BYTES,
) -> None:
    """Feed ``files`` into ``sim`` through ``jobs`` worker processes (same result as in-process)."""
    todo = chunks(files, step)
    ctx = _context()
    tasks, results = ctx.Queue(), ctx.Queue()
    workers = [
        ctx.Process(target=work, args=(sim.engine, sim.assumptions, tasks, results), daemon=True)
        for _ in range(max(1, min(jobs, len(todo))))
    ]
    for worker in workers:
        worker.start()
    for chunk in todo:
        tasks.put(chunk)
    for _ in workers:
        tasks.put(None)
    try:
        _collect(sim, todo, results, workers, progress)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        tasks.close()
        results.close()


def _collect(sim: Simulator, todo: list[Chunk], results: Any, workers: list[Any], progress: Progress) -> None:
    """Merge partials in chunk order as they arrive (out-of-order ones wait, small)."""
    waiting: dict[int, Done] = {}
    line_offsets: dict[object, int] = {}
    merged = 0
    while merged < len(todo):
        try:
            done: Done = results.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if not any(w.is_alive() for w in workers) or any(w.exitcode for w in workers):
                codes = ", ".join(str(w.exitcode) for w in workers)
                raise RuntimeError(f"laneway plan: a worker process died (exit codes {codes})") from None
            continue
        progress(done.size)
        if done.crash is not None:
            raise RuntimeError(f"laneway plan: a worker failed:\n{done.crash}")
        if done.error is not None:
            raise InputError(done.error)
        waiting[done.index] = done
        while merged in waiting:
            ready = waiting.pop(merged)
            path = todo[merged].file.path
            offset = line_offsets.get(path, 0)
            assert ready.partial is not None
            sim.merge(ready.partial, offset)
            line_offsets[path] = offset + ready.lines
            merged += 1
