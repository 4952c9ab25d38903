"""``laneway catalog``: the model cards as a table (or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import msgspec
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from laneway.catalog.model import Catalog
from laneway.cli.common import user_errors
from laneway.config import load_config


def catalog_table(catalog: Catalog) -> Table:
    names = list(catalog.models)
    table = Table(title="laneway catalog")
    table.add_column("fact", style="bold")
    for name in names:
        table.add_column(escape(name))
    cards = [catalog.models[n] for n in names]

    def row(label: str, values: list[str]) -> None:
        table.add_row(label, *map(escape, values))

    row("context window", [f"{c.context_window:,}" for c in cards])
    row("max output", [f"{c.max_output_tokens:,}" for c in cards])
    row("knowledge cutoff", [str(c.knowledge_cutoff or "-") for c in cards])
    row("input modalities", [", ".join(c.input_modalities) for c in cards])
    row("input $/1M", [f"{c.price_per_mtok.input:.3f}" for c in cards])
    row("cached input $/1M", [f"{c.price_per_mtok.cached_input:.3f}" for c in cards])
    row("output $/1M", [f"{c.price_per_mtok.output:.2f}" for c in cards])
    row("hosted tools", [", ".join(c.hosted_tools) or "none" for c in cards])
    tiers = sorted({t for c in cards for t in c.tpm_by_tier})
    for tier in tiers:
        row(
            f"TPM tier {tier}",
            [f"{c.tpm_by_tier[tier]:,}" if tier in c.tpm_by_tier else "-" for c in cards],
        )
    row("codex local", ["yes" if c.codex.local_messages else "no" for c in cards])
    row("codex cloud tasks", ["yes" if c.codex.cloud_tasks else "no" for c in cards])
    row("codex code reviews", ["yes" if c.codex.code_reviews else "no" for c in cards])
    row("credits / local task", [str(c.codex.credits_per_local_task or "-") for c in cards])
    for key, label in catalog.benchmark_names.items():
        row(
            label,
            [f"{c.benchmarks[key].score:.1f}% ({c.benchmarks[key].date})" if key in c.benchmarks else "-"
             for c in cards],
        )  # fmt: skip
    owned = {n: [lane.value for lane, p in catalog.lanes.items() if p.owner == n] for n in names}
    row("owns lanes", [", ".join(owned[n]) or "-" for n in names])
    return table


def register(app: typer.Typer) -> None:
    @app.command("catalog")
    def show_catalog(
        config: Annotated[
            Path | None, typer.Option(help="laneway config file with catalog overrides.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the catalog as JSON.")] = False,
    ) -> None:
        """Print the model catalog (built-in facts plus your config's overrides)."""
        with user_errors():
            catalog = load_config(config).build_catalog()
        if as_json:
            print(json.dumps(msgspec.to_builtins(catalog), indent=2))
        else:
            Console().print(catalog_table(catalog))
