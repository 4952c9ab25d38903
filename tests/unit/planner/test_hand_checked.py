"""A small case whose every figure is computed by hand below (catalog prices, credits, tiers).

Prices per 1M tokens: gpt-5.4-mini in 0.75 / cached 0.075 / out 4.50; gpt-5.3-codex in 1.75 /
cached 0.175 / out 14.00. Credits per local Codex task: mini 2, codex 5. Lanes come from explicit
``metadata.lane`` hints, so the figures do not depend on the text classifier.

A  routine,  Codex local, 1,000,000 in (400,000 cached), 100,000 out, t=60s
   mini  = 600k*0.75 + 400k*0.075 + 100k*4.5  = 0.45 + 0.03 + 0.45 = $0.93
   codex = 600k*1.75 + 400k*0.175 + 100k*14   = 1.05 + 0.07 + 1.40 = $2.52
B  terminal, Codex local, 200,000 in, 50,000 out, t=90s
   mini  = 0.15 + 0.225 = $0.375 ; codex = 0.35 + 0.70 = $1.05
C  cloud_task (only codex has the slot), API, 100,000 in, 10,000 out, t=200s
   codex = 0.175 + 0.14 = $0.315 (mini infeasible)

laneway     A mini, B codex, C codex  = 0.93 + 1.05 + 0.315               = $2.295
all_mini    A, B on mini; C forced to codex (1 infeasible) = 0.93+0.375+0.315 = $1.62
all_codex   2.52 + 1.05 + 0.315                                          = $3.885
mini_first  default rates routine 10%, terminal 40% (1 - mini's 60.0% Terminal-Bench):
            A 0.93 + 0.1*2.52 = 1.182 ; B 0.375 + 0.4*1.05 = 0.795 ; C 0.315  = $2.292
random_mix  laneway sends 2 of 3 to codex, C is forced, so 1 of the 2 flexible: share 0.5
            A (0.93+2.52)/2 = 1.725 ; B (0.375+1.05)/2 = 0.7125 ; C 0.315   = $2.7525
credits     (A, B are Codex local turns) all_mini 2+2=4 ; all_codex 5+5=10 ; laneway 2+5=7 ;
            mini_first (2+0.1*5)+(2+0.4*5)=6.5 ; random_mix 3.5+3.5=7
tokens/min  minute 1 holds A (1.1M) and B (250k), minute 3 holds C (110k)
            laneway: mini 1.1M (> tier-1 500k, <= tier-2 2M), codex 250k -> tier 2
            all_codex: codex 1.35M (> tier-2 1M, <= tier-3 2M) -> tier 3
terminal success (Terminal-Bench 2.0): all_mini 0.60, all_codex/laneway 0.773,
            mini_first 0.60 + 0.4 * (0.773-0.60)/0.40 = 0.773, random_mix (0.60+0.773)/2 = 0.6865
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from laneway.engine import Engine
from laneway.planner import plan

CODEX_LOCAL = {"originator": "codex_cli_rs"}


def _pair(lane: str, ts: int, usage: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "timestamp": ts,
        "headers": headers or {},
        "request": {"model": "laneway/auto", "metadata": {"lane": lane}, "input": f"task for {lane}"},
        "response": {"model": "x", "usage": usage},
    }


@pytest.fixture
def report(engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path]) -> dict[str, Any]:
    path = write_jsonl("hand.jsonl", [
        _pair("routine", 60, {"input_tokens": 1_000_000, "input_tokens_details": {"cached_tokens": 400_000},
                              "output_tokens": 100_000}, CODEX_LOCAL),
        _pair("terminal", 90, {"input_tokens": 200_000, "output_tokens": 50_000}, CODEX_LOCAL),
        _pair("cloud_task", 200, {"input_tokens": 100_000, "output_tokens": 10_000}),
    ])  # fmt: skip
    return plan(engine, [path], tier=2)


def _policy(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in report["policies"] if p["policy"] == name)


def test_cost_per_policy_matches_the_hand_computation(report: dict[str, Any]) -> None:
    expected = {
        "laneway": 2.295,
        "all_mini": 1.62,
        "all_codex": 3.885,
        "mini_first": 2.292,
        "random_mix": 2.7525,
    }
    for name, cost in expected.items():
        assert _policy(report, name)["cost_usd"] == pytest.approx(cost, abs=1e-9), name
    assert _policy(report, "all_mini")["infeasible_records"] == 1
    assert report["assumptions"]["random_mix_specialist_share_of_flexible"] == 0.5


def test_lane_counts_and_usage_source_match(report: dict[str, Any]) -> None:
    counts = {row["lane"]: row["records"] for row in report["lanes"] if row["records"]}
    assert counts == {"routine": 1, "terminal": 1, "cloud_task": 1}
    assert report["inputs"]["usage_sources"] == {"response": 3}
    lanes = {row["lane"]: row["laneway_models"] for row in report["lanes"]}
    assert lanes["routine"] == {"gpt-5.4-mini": 1}
    assert lanes["terminal"] == {"gpt-5.3-codex": 1}


def test_codex_credits_per_policy_match(report: dict[str, Any]) -> None:
    assert report["codex"]["credits"] == {
        "all_mini": 4.0, "all_codex": 10.0, "laneway": 7.0, "mini_first": 6.5, "random_mix": 7.0,
    }  # fmt: skip
    assert report["codex"]["turns"] == 2
    assert report["codex"]["cloud_tasks"] == 1


def test_peak_tokens_per_minute_and_lowest_tier_match(report: dict[str, Any]) -> None:
    laneway = _policy(report, "laneway")
    assert laneway["peak_tpm"] == {"gpt-5.3-codex": 250_000, "gpt-5.4-mini": 1_100_000}
    assert laneway["lowest_tier"] == 2
    assert laneway["holds_at_tier"] is True
    all_codex = _policy(report, "all_codex")
    assert all_codex["peak_tpm"] == {"gpt-5.3-codex": 1_350_000}
    assert all_codex["lowest_tier"] == 3
    assert all_codex["holds_at_tier"] is False


def test_expected_success_on_the_terminal_lane_matches(report: dict[str, Any]) -> None:
    terminal = {p["policy"]: p["expected_success_by_lane"]["terminal"] for p in report["policies"]}
    assert terminal == pytest.approx(
        {"all_mini": 0.60, "all_codex": 0.773, "laneway": 0.773, "mini_first": 0.773, "random_mix": 0.6865}
    )
    assert all(p["expected_success_by_lane"]["routine"] is None for p in report["policies"])


def test_an_escalation_rate_override_changes_the_cascade_only(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path]
) -> None:
    from laneway.lanes.lane import Lane

    path = write_jsonl("t.jsonl", [_pair("terminal", 90, {"input_tokens": 200_000, "output_tokens": 50_000})])
    report = plan(engine, [path], escalation_rates={Lane.TERMINAL: 0.0})
    assert _policy(report, "mini_first")["cost_usd"] == pytest.approx(0.375)
    assert report["assumptions"]["escalation_rate_sources"]["terminal"] == "--escalation-rate"
    assert _policy(report, "laneway")["cost_usd"] == pytest.approx(1.05)
