"""Render a plan report dict as text (rich tables) or JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=False) + "\n"


def _usd(value: float | None) -> str:
    if value is None:
        return "-"
    return f"${value:,.2f}" if abs(value) >= 100 else f"${value:,.4f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _tokens(value: float) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.1f}{unit}"
    return f"{value:.0f}"


def _inputs(report: dict[str, Any], console: Console) -> None:
    inputs = report["inputs"]
    formats = ", ".join(f"{k} {v}" for k, v in inputs["formats"].items())
    sources = ", ".join(f"{k} {v}" for k, v in inputs["usage_sources"].items())
    console.print(
        f"[bold]{inputs['records']}[/] records ({inputs['requests']} model calls) from "
        f"{inputs['files']} file(s): {formats}. Usage from: {sources}."
    )
    if inputs["usage_sources"].get("estimated"):
        console.print("[yellow]Estimated usage[/] (no response logged): the engine's pre-call estimate.")
    for key, label in (("malformed", "malformed line(s)"), ("unroutable", "unroutable record(s)")):
        problems = inputs[key]
        if problems["count"]:
            console.print(f"[red]{problems['count']} {label}[/] (first {len(problems['first'])}):")
            for p in problems["first"]:
                console.print(f"  {p['file']}:{p['line']}: {p['error']}", markup=False)
    if inputs["untimed_records"]:
        console.print(f"{inputs['untimed_records']} record(s) carry no timestamp (left out of tokens/min).")


def _lanes(report: dict[str, Any]) -> Table:
    table = Table(title="Lane mix (laneway's decisions)", title_justify="left")
    for name in ("lane", "owner", "records", "share", "calls", "input", "cached", "output", "laneway chose"):
        table.add_column(name, justify="left" if name in ("lane", "owner", "laneway chose") else "right")
    for row in report["lanes"]:
        if not row["records"]:
            continue
        chose = escape(", ".join(f"{m} {n}" for m, n in row["laneway_models"].items()))
        table.add_row(
            row["lane"], escape(row["owner"]), str(row["records"]), _pct(row["share"]), str(row["requests"]),
            _tokens(row["input_tokens"]), _tokens(row["cached_input_tokens"]),
            _tokens(row["output_tokens"]), chose,
        )  # fmt: skip
    return table


def _policies(report: dict[str, Any]) -> Table:
    tier = report["tier"]
    table = Table(title=f"Cost under each policy (tier {tier})", title_justify="left")
    for name in ("policy", "cost", "vs laneway", "specialist share", "exp. success", "credits",
                 "peak tokens/min", "lowest tier"):  # fmt: skip
        table.add_column(name, justify="left" if name == "policy" else "right")
    laneway = next(p["cost_usd"] for p in report["policies"] if p["policy"] == "laneway")
    for p in report["policies"]:
        delta = p["cost_usd"] - laneway
        peaks = escape("; ".join(f"{m} {_tokens(v)}" for m, v in (p["peak_tpm"] or {}).items()) or "n/a")
        tier_text = (
            "n/a" if p["lowest_tier"] is None and p["peak_tpm"] is None else str(p["lowest_tier"] or "none")
        )
        if p["holds_at_tier"] is False:
            tier_text = f"[red]{tier_text}[/]"
        infeasible = f" ({p['infeasible_records']} infeasible)" if p["infeasible_records"] else ""
        table.add_row(
            p["title"] + infeasible, _usd(p["cost_usd"]), "" if p["policy"] == "laneway" else f"{delta:+,.4f}",
            _pct(p["specialist_share"]), _pct(p["expected_success"]), f"{p['credits']:g}", peaks, tier_text,
        )  # fmt: skip
    return table


def _success(report: dict[str, Any]) -> Table:
    table = Table(title="Expected success by lane (catalog benchmark priors)", title_justify="left")
    table.add_column("lane")
    table.add_column("benchmark")
    for p in report["policies"]:
        table.add_column(p["policy"], justify="right")
    for row in report["lanes"]:
        if not row["records"]:
            continue
        lane = row["lane"]
        if row["benchmark"] is None:
            table.add_row(lane, "no benchmark", *("n/a" for _ in report["policies"]))
            continue
        values = (_pct(p["expected_success_by_lane"][lane]) for p in report["policies"])
        table.add_row(lane, row["benchmark"], *values)
    return table


def _codex_and_shadow(report: dict[str, Any], console: Console) -> None:
    codex = report["codex"]
    if codex["turns"]:
        credits = ", ".join(f"{k} {v:g}" for k, v in codex["credits"].items())
        console.print(
            f"Codex: {codex['turns']} turns; credits per policy: {credits}. "
            f"Need the specialist's slot: {codex['cloud_tasks']} cloud task(s), "
            f"{codex['code_reviews']} code review(s)."
        )
    shadow = report["shadow"]
    if shadow:
        console.print(
            f"Shadow ledger: {shadow['rows']} rows served for {_usd(shadow['served_cost_usd'])}; laneway "
            f"would have cost {_usd(shadow['laneway_cost_usd'])} (saves {_usd(shadow['savings_usd'])}, "
            f"{shadow['changed_model']} rows on another model)."
        )


def _assumptions(report: dict[str, Any], console: Console) -> None:
    a = report["assumptions"]
    rates = ", ".join(f"{lane} {p:.0%}" for lane, p in a["escalation_rates"].items())
    console.print(f"Escalation rates ({a['cheap_model']} -> {a['specialist_model']}): {rates}.", markup=False)
    console.print(
        "Same token usage on every model; cached input at the cached price; random mix at "
        f"{a['random_mix_specialist_share_of_flexible']:.1%} specialist share of the records either "
        "model can serve. Override rates with --escalation-rate LANE=P.",
        markup=False,
    )


def render_text(report: dict[str, Any], console: Console) -> None:
    _inputs(report, console)
    console.print(_lanes(report))
    console.print(_policies(report))
    console.print(_success(report))
    _codex_and_shadow(report, console)
    _assumptions(report, console)
