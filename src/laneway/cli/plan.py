"""``laneway plan``: read logs, Codex rollouts or the ledger; report lane mix and cost per policy."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

from laneway.cli.common import engine_from, user_errors
from laneway.errors import InputError
from laneway.planner import plan_files
from laneway.planner.policies import parse_rates
from laneway.planner.readers import InputFile, expand, parse_format
from laneway.planner.readers.lines import Progress as Advance

#: Inputs at least this large get a progress bar even when stderr is not a terminal.
LARGE_INPUT_BYTES = 64 << 20
#: Columns for a text report written to a file or a pipe.
TEXT_WIDTH = 160


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"


@contextmanager
def _progress(files: Sequence[InputFile]) -> Iterator[Advance]:
    total = sum(f.size for f in files)
    if not (sys.stderr.isatty() or total >= LARGE_INPUT_BYTES):
        yield lambda _: None
        return
    columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress("reading", *columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("plan", total=total)
        yield lambda n: bar.advance(task, n)


def _render(report: dict[str, Any], fmt: OutputFormat, out: Path | None) -> None:
    if fmt is OutputFormat.TEXT:
        from laneway.planner.report import render_text

        if out is None:  # a pipe or file gets wide tables, not rich's 80 columns
            render_text(report, Console(width=None if sys.stdout.isatty() else TEXT_WIDTH))
            return
        with out.open("w", encoding="utf-8") as fh:
            render_text(report, Console(file=fh, width=TEXT_WIDTH, color_system=None))
        return
    if fmt is OutputFormat.JSON:
        from laneway.planner.report import to_json

        text = to_json(report)
    else:
        from laneway.planner.html import render_html

        text = render_html(report)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def register(app: typer.Typer) -> None:
    @app.command()
    def plan(
        paths: Annotated[
            list[Path],
            typer.Argument(help="Request logs (JSONL), Codex rollouts (files or directories), or a ledger."),
        ],
        tier: Annotated[int, typer.Option(min=1, max=5, help="Your OpenAI usage tier (TPM limits).")] = 1,
        output: Annotated[
            OutputFormat, typer.Option("--format", help="text | json | html")
        ] = OutputFormat.TEXT,
        out: Annotated[Path | None, typer.Option(help="Write the report here instead of stdout.")] = None,
        png_dir: Annotated[
            Path | None, typer.Option(help="Also write PNG charts here (needs laneway[plan]).")
        ] = None,
        escalation_rate: Annotated[
            list[str] | None,
            typer.Option("--escalation-rate", help="LANE=P: share of mini attempts escalated (repeatable)."),
        ] = None,
        input_format: Annotated[
            str, typer.Option(help="auto | openai | codex | ledger (auto: detected per file).")
        ] = "auto",
        config: Annotated[Path | None, typer.Option(help="laneway config file (YAML).")] = None,
        jobs: Annotated[
            int | None,
            typer.Option(min=1, help="Worker processes for inputs over 32 MiB (default: one per CPU)."),
        ] = None,
        codex_threshold: Annotated[
            float | None,
            typer.Option(
                help="The cost/quality knob (policy.codex_threshold): codex lanes win only at this "
                "share of the classifier's probability."
            ),
        ] = None,
    ) -> None:
        """Which model should own which lane of your work, and what would it cost."""
        with user_errors():
            rates = parse_rates(escalation_rate or [])
            files = expand(paths, parse_format(input_format))
            engine = engine_from(config, codex_threshold=codex_threshold)
            with _progress(files) as advance:
                report = plan_files(
                    engine, files, tier=tier, escalation_rates=rates, progress=advance, jobs=jobs
                )
            if png_dir is not None:
                from laneway.planner.png import write_pngs

                write_pngs(report, png_dir)
            try:
                _render(report, output, out)
            except OSError as exc:
                raise InputError(f"{out}: cannot write: {exc.strerror or exc}") from exc
