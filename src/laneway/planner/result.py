"""A finished simulation as one JSON-ready dict with stable, documented keys (docs/plan.md).

Every renderer (text, HTML, PNG) reads this dict, so all outputs show the same figures.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from laneway.catalog.model import Catalog
from laneway.lanes.lane import Lane
from laneway.planner.policies import POLICIES
from laneway.planner.simulate import MINUTE, Problems, Simulator
from laneway.planner.tally import Tally

SCHEMA = "laneway-plan/1"
#: At most this many points per timeline series (each the peak minute of its window).
TIMELINE_POINTS = 240


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat().replace("+00:00", "Z")


def _problems(problems: Problems) -> dict[str, Any]:
    return {"count": problems.count, "first": [p.to_dict() for p in problems.first]}


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def _lanes(sim: Simulator, total: int) -> list[dict[str, Any]]:
    catalog = sim.engine.catalog
    rows = []
    for lane in Lane:
        mix = sim.mix[lane]
        bench = catalog.lanes[lane].benchmark
        rows.append({
            "lane": lane.value,
            "owner": catalog.owner(lane),
            "benchmark": catalog.benchmark_names.get(bench, bench) if bench else None,
            "records": mix.records,
            "requests": mix.requests,
            "share": _round(mix.records / total if total else 0.0, 4),
            "input_tokens": mix.input_tokens,
            "cached_input_tokens": mix.cached_input_tokens,
            "output_tokens": mix.output_tokens,
            "reasoning_tokens": mix.reasoning_tokens,
            "laneway_models": dict(sim.models[lane].most_common()),
        })  # fmt: skip
    return rows


def peak_tpm(sim: Simulator) -> dict[str, dict[str, float]]:
    """Policy -> model -> the highest tokens counted in any one minute."""
    peaks: dict[str, dict[str, float]] = {p: {} for p in POLICIES}
    for slots in sim.minutes.values():
        for (policy, model), tokens in slots.items():
            if policy in peaks and tokens > peaks[policy].get(model, 0.0):
                peaks[policy][model] = tokens
    return peaks


def lowest_tier(catalog: Catalog, peaks: dict[str, float]) -> int | None:
    """The lowest usage tier whose TPM holds every model's peak; None if none does (or no data)."""
    used = {m: p for m, p in peaks.items() if p > 0}
    tiers = sorted({t for m in used for t in catalog.models[m].tpm_by_tier})
    for tier in tiers:
        if all(catalog.models[m].tpm_by_tier.get(tier, 0) >= p for m, p in used.items()):
            return tier
    return None if used else (tiers[0] if tiers else 1)


def _policy(sim: Simulator, policy: str, peaks: dict[str, float], tier: int) -> dict[str, Any]:
    total = Tally()
    by_lane: dict[str, Tally] = {}
    for lane in Lane:
        tally = sim.tallies[policy, lane]
        by_lane[lane.value] = tally
        total.add(tally)
    lowest = lowest_tier(sim.engine.catalog, peaks)
    timed = bool(sim.minutes)
    return {
        "policy": policy,
        "title": sim.assumptions.title(policy),
        "cost_usd": _round(total.cost_usd),
        "cost_by_lane": {k: _round(t.cost_usd) for k, t in by_lane.items()},
        "specialist_calls": _round(total.specialist_calls, 2),
        "calls": _round(total.calls, 2),
        "specialist_share": _round(total.specialist_calls / total.calls if total.calls else 0.0, 4),
        "credits": _round(total.credits, 2),
        "expected_success": _round(total.success, 4),
        "expected_success_by_lane": {k: _round(t.success, 4) for k, t in by_lane.items()},
        "infeasible_records": total.infeasible,
        "peak_tpm": {m: round(v) for m, v in sorted(peaks.items())} if timed else None,
        "lowest_tier": lowest if timed else None,
        "holds_at_tier": (lowest is not None and lowest <= tier) if timed else None,
    }


def _shadow(sim: Simulator) -> dict[str, Any] | None:
    rows = sum(t.rows for t in sim.shadow.values())
    if not rows:
        return None
    served = sum(t.served_cost_usd for t in sim.shadow.values())
    laneway = sum(t.laneway_cost_usd for t in sim.shadow.values())
    return {
        "rows": rows,
        "served_cost_usd": _round(served),
        "laneway_cost_usd": _round(laneway),
        "savings_usd": _round(served - laneway),
        "changed_model": sum(t.changed_model for t in sim.shadow.values()),
        "by_lane": {
            lane.value: {
                "rows": t.rows,
                "served_cost_usd": _round(t.served_cost_usd),
                "laneway_cost_usd": _round(t.laneway_cost_usd),
                "savings_usd": _round(t.served_cost_usd - t.laneway_cost_usd),
            }
            for lane, t in sorted(sim.shadow.items())
        },
    }


def _timeline(sim: Simulator) -> dict[str, Any] | None:
    if not sim.minutes:
        return None
    first, last = min(sim.minutes), max(sim.minutes)
    width = max(1, math.ceil((last - first + 1) / TIMELINE_POINTS))
    points = (last - first) // width + 1
    series: dict[str, dict[str, list[float]]] = {p: {} for p in POLICIES}
    for minute, slots in sim.minutes.items():
        index = (minute - first) // width
        for (policy, model), tokens in slots.items():
            if policy not in series:
                continue
            values = series[policy].setdefault(model, [0.0] * points)
            values[index] = max(values[index], tokens)
    return {
        "start": _iso(first * MINUTE),
        "bucket_seconds": width * MINUTE,
        "points": points,
        "series": {
            p: {m: [round(v) for v in vs] for m, vs in sorted(ms.items())} for p, ms in series.items()
        },
    }


def build(sim: Simulator, *, tier: int, files: int, random_share: float) -> dict[str, Any]:
    catalog = sim.engine.catalog
    total = sum(m.records for m in sim.mix.values())
    peaks = peak_tpm(sim)
    assumptions = sim.assumptions.to_dict() | {
        "random_mix_specialist_share_of_flexible": round(random_share, 4),
        "codex_threshold": sim.engine.settings.codex_threshold,
    }
    span = None
    if sim.first_ts is not None and sim.last_ts is not None:
        span = {"start": _iso(sim.first_ts), "end": _iso(sim.last_ts),
                "minutes": round((sim.last_ts - sim.first_ts) / MINUTE, 1)}  # fmt: skip
    policies = [_policy(sim, p, peaks[p], tier) for p in POLICIES]
    return {
        "schema": SCHEMA,
        "tier": tier,
        "inputs": {
            "files": files,
            "formats": dict(sim.formats),
            "records": total,
            "requests": sum(m.requests for m in sim.mix.values()),
            "usage_sources": dict(sim.usage_sources),
            "malformed": _problems(sim.malformed),
            "unroutable": _problems(sim.unroutable),
            "untimed_records": sim.untimed,
            "time_span": span,
        },
        "assumptions": assumptions,
        "lanes": _lanes(sim, total),
        "policies": policies,
        "codex": {
            "turns": sim.codex_turns,
            "cloud_tasks": sim.cloud_tasks,
            "code_reviews": sim.code_reviews,
            "credits": {p["policy"]: p["credits"] for p in policies},
            "credits_per_local_task": {
                name: card.codex.credits_per_local_task for name, card in catalog.models.items()
            },
        },
        "tiers": {
            name: {str(t): v for t, v in sorted(card.tpm_by_tier.items())}
            for name, card in catalog.models.items()
        },
        "shadow": _shadow(sim),
        "timeline": _timeline(sim),
    }
