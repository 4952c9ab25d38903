"""``laneway plan``: which model should own which lane of *our* work, and what would it cost.

Reads request logs, Codex rollouts or laneway's ledger (:mod:`laneway.planner.readers`), decides
each record through the engine (:mod:`laneway.planner.simulate`), and builds one report dict
(:mod:`laneway.planner.result`) that the renderers print as text, JSON, HTML or PNG charts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from laneway.engine import Engine
from laneway.errors import InputError
from laneway.lanes.lane import Lane
from laneway.planner import readers, result, workers
from laneway.planner.policies import assumptions
from laneway.planner.readers import InputFile
from laneway.planner.readers.lines import Progress, no_progress
from laneway.planner.record import InputFormat
from laneway.planner.simulate import Simulator

__all__ = ["InputFile", "InputFormat", "plan", "plan_files"]


def plan_files(
    engine: Engine,
    files: Sequence[InputFile],
    *,
    tier: int = 1,
    escalation_rates: Mapping[Lane, float] | None = None,
    progress: Progress = no_progress,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Simulate every policy over ``files``; the report dict (see docs/plan.md for its keys).

    ``jobs``: worker processes for a large input (default: one per CPU; 1 reads in-process).
    Raises :class:`InputError` when no usable record was read (empty or wholly malformed input).
    """
    sim = Simulator(engine, assumptions(engine.catalog, engine.settings, escalation_rates))
    jobs = workers.default_jobs() if jobs is None else jobs
    if workers.worth_it(files, jobs):
        workers.simulate(sim, files, jobs=jobs, progress=progress)
    else:
        sim.feed(readers.read_all(engine, files, progress))
    share = sim.finish()
    report = result.build(sim, tier=tier, files=len(files), random_share=share)
    if report["inputs"]["records"] == 0:
        raise InputError(_nothing_usable(report, files))
    return report


def _nothing_usable(report: dict[str, Any], files: Sequence[InputFile]) -> str:
    inputs = report["inputs"]
    names = ", ".join(str(f.path) for f in files[:3]) + (" ..." if len(files) > 3 else "")
    if inputs["malformed"]["count"] or inputs["unroutable"]["count"]:
        first = (inputs["malformed"]["first"] or inputs["unroutable"]["first"])[0]
        return (
            f"{names}: no usable records ({inputs['malformed']['count']} malformed, "
            f"{inputs['unroutable']['count']} unroutable; first: {first['file']}:{first['line']}: "
            f"{first['error']})"
        )
    return f"{names}: empty input (no records)"


def plan(
    engine: Engine,
    paths: Sequence[Path],
    *,
    input_format: InputFormat | None = None,
    tier: int = 1,
    escalation_rates: Mapping[Lane, float] | None = None,
    jobs: int | None = None,
) -> dict[str, Any]:
    """Library entry point: :func:`plan_files` over files and directories."""
    files = readers.expand(paths, input_format)
    return plan_files(engine, files, tier=tier, escalation_rates=escalation_rates, jobs=jobs)
