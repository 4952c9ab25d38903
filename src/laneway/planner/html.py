"""The self-contained HTML report: tables and inline-SVG charts in one file, no network needed."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from laneway.planner.charts import PALETTE, bar_chart, line_chart

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#111827;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.8rem}
th,td{border-bottom:1px solid #e5e7eb;padding:.3rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}.note{color:#4b5563;font-size:.85rem}
.bad{color:#b91c1c}.chart{max-width:900px;display:block;margin:.5rem 0}
"""


def _usd(value: float | None) -> str:
    return "-" if value is None else f"${value:,.4f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _table(head: list[str], rows: list[list[str]]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _summary(report: dict[str, Any]) -> str:
    inputs = report["inputs"]
    sources = ", ".join(f"{k}: {v}" for k, v in inputs["usage_sources"].items())
    parts = [f"<p>{inputs['records']} records ({inputs['requests']} model calls) from {inputs['files']} "
             f"file(s). Usage from {escape(sources)}.</p>"]  # fmt: skip
    for key in ("malformed", "unroutable"):
        problems = inputs[key]
        if problems["count"]:
            items = "".join(
                f"<li>{escape(p['file'])}:{p['line']}: {escape(p['error'])}</li>" for p in problems["first"]
            )
            parts.append(
                f'<p class="bad">{problems["count"]} {key} (first {len(problems["first"])}):</p><ul>{items}</ul>'
            )
    return "".join(parts)


def _policies(report: dict[str, Any]) -> str:
    rows = []
    for p in report["policies"]:
        peaks = "; ".join(f"{m} {v:,}" for m, v in (p["peak_tpm"] or {}).items()) or "n/a"
        tier = "n/a" if p["peak_tpm"] is None else str(p["lowest_tier"] or "none")
        rows.append([p["title"], _usd(p["cost_usd"]), _pct(p["specialist_share"]), _pct(p["expected_success"]),
                     f"{p['credits']:g}", peaks, tier, str(p["infeasible_records"])])  # fmt: skip
    head = ["policy", "cost", "specialist share", "expected success", "Codex credits", "peak tokens/min",
            "lowest tier", "infeasible"]  # fmt: skip
    return _table(head, rows)


def _lanes(report: dict[str, Any]) -> str:
    rows = []
    for row in report["lanes"]:
        if row["records"]:
            chose = ", ".join(f"{m} {n}" for m, n in row["laneway_models"].items())
            success = [_pct(p["expected_success_by_lane"][row["lane"]]) for p in report["policies"]]
            rows.append([row["lane"], row["owner"], str(row["records"]), _pct(row["share"]), str(row["requests"]),
                         f"{row['input_tokens']:,}", f"{row['output_tokens']:,}", chose,
                         row["benchmark"] or "no benchmark", *success])  # fmt: skip
    head = ["lane", "owner", "records", "share", "calls", "input tokens", "output tokens", "laneway chose",
            "benchmark", *(f"success: {p['policy']}" for p in report["policies"])]  # fmt: skip
    return _table(head, rows)


def _charts(report: dict[str, Any]) -> str:
    policies = report["policies"]
    cost = bar_chart(
        "chart-cost", [p["title"] for p in policies], [p["cost_usd"] for p in policies], unit="$"
    )
    lanes = [r for r in report["lanes"] if r["records"]]
    owners = sorted({r["owner"] for r in report["lanes"]})
    colors = [PALETTE[owners.index(r["owner"]) % len(PALETTE)] for r in lanes]
    mix = bar_chart(
        "chart-lanes", [r["lane"] for r in lanes], [float(r["records"]) for r in lanes], colors=colors
    )
    parts = ["<h2>Cost by policy</h2>", cost, "<h2>Lane mix (bars coloured by owner)</h2>", mix]
    timeline = report["timeline"]
    if timeline is None:
        parts.append('<p class="note">No timestamps in the input: tokens per minute cannot be charted.</p>')
        return "".join(parts)
    tier = str(report["tier"])
    series = {m: [float(v) for v in vs] for m, vs in timeline["series"]["laneway"].items()}
    limits = {m: float(report["tiers"][m][tier]) for m in series if tier in report["tiers"].get(m, {})}
    minutes = timeline["bucket_seconds"] // 60
    label = f"from {timeline['start']}, one point per {minutes} min (peak minute)"
    parts += [f"<h2>Tokens per minute under laneway routing vs tier {tier} limits</h2>",
              line_chart("chart-tpm", series, limits, x_label=label)]  # fmt: skip
    return "".join(parts)


def render_html(report: dict[str, Any]) -> str:
    """One HTML document; the full JSON report is embedded for machines (``#plan-data``)."""
    data = json.dumps(report).replace("</", "<\\/")
    a = report["assumptions"]
    rates = ", ".join(f"{k} {v:.0%}" for k, v in a["escalation_rates"].items())
    shadow = report["shadow"]
    shadow_html = (
        f"<h2>Shadow ledger</h2><p>{shadow['rows']} rows served for {_usd(shadow['served_cost_usd'])}; laneway "
        f"would have cost {_usd(shadow['laneway_cost_usd'])} (saves {_usd(shadow['savings_usd'])}).</p>"
        if shadow else ""
    )  # fmt: skip
    codex = report["codex"]
    codex_html = (
        f"<h2>Codex</h2><p>{codex['turns']} turns; credits per policy: "
        + escape(", ".join(f"{k} {v:g}" for k, v in codex["credits"].items()))
        + f". Cloud tasks: {codex['cloud_tasks']}; GitHub code reviews: {codex['code_reviews']}.</p>"
        if codex["turns"] else ""
    )  # fmt: skip
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>laneway plan</title>"
        f"<style>{_CSS}</style></head><body><h1>laneway plan: which model should own which lane</h1>"
        f"{_summary(report)}{_charts(report)}<h2>Policies (tier {report['tier']})</h2>{_policies(report)}"
        f"<h2>Lanes</h2>{_lanes(report)}{codex_html}{shadow_html}"
        f'<h2>Assumptions</h2><p class="note">Escalation rates ({escape(a["cheap_model"])} → '
        f"{escape(a['specialist_model'])}): {escape(rates)}. Same token usage on every model; cached input at "
        "the cached price; expected success from the catalog's benchmark priors (lanes without a benchmark: "
        "n/a).</p>"
        f'<script type="application/json" id="plan-data">{data}</script></body></html>\n'
    )
