"""Feeding records in read-ahead batches gives the simulator of adding them one at a time."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from laneway.engine import Engine
from laneway.planner import result
from laneway.planner.policies import assumptions
from laneway.planner.readers import expand, read_all
from laneway.planner.report import to_json
from laneway.planner.simulate import Simulator

from .conftest import ROLLOUTS
from .test_workers import _log


def _report(sim: Simulator, files: int) -> str:
    share = sim.finish()
    return to_json(result.build(sim, tier=1, files=files, random_share=share))


@pytest.mark.parametrize("batch", [1, 7, 1_000])
def test_feeding_in_batches_gives_the_report_of_adding_one_record_at_a_time(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path], batch: int
) -> None:
    files = expand([ROLLOUTS, write_jsonl("log.jsonl", _log(300))])
    one_by_one = Simulator(engine, assumptions(engine.catalog, engine.settings))
    for item in read_all(engine, files):
        one_by_one.add(item)
    fed = Simulator(engine, assumptions(engine.catalog, engine.settings))

    fed.feed(read_all(engine, files), batch=batch)

    report = _report(fed, len(files))
    assert report == _report(one_by_one, len(files))
    inputs = json.loads(report)["inputs"]
    assert inputs["formats"] == {"codex": 8, "openai": 287}
    assert inputs["malformed"]["count"] == 8  # every 37th log line, counted as before
