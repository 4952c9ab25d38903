"""``laneway eval`` and ``laneway train``: measure and refit the lane text classifier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from laneway.catalog import load_catalog
from laneway.cli.common import fail, user_errors
from laneway.evaluation import (
    Decider,
    LabelledText,
    LosoReport,
    Report,
    classifier_decider,
    evaluate,
    leave_one_source_out,
    read_labelled,
)
from laneway.lanes.classifier import LaneClassifier

Files = Annotated[list[Path], typer.Argument(help="Labelled JSONL: {text, lane, source?} per line.")]


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
    app.command("train")(train_command)


def _train(records: list[LabelledText], holdout_source: str | None = None) -> LaneClassifier:
    try:
        from laneway.training import train
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise fail(str(exc)) from None
    try:
        return train(records, holdout_source=holdout_source)
    except ImportError as exc:
        raise fail(str(exc)) from None


def eval_command(
    files: Files,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    loso: Annotated[
        bool, typer.Option("--loso", help="Also refit without each source and test on it.")
    ] = False,
    classifier: Annotated[
        Path | None, typer.Option("--classifier", help="Weights file (default: packaged).")
    ] = None,
) -> None:
    """Lane macro-F1, model-decision accuracy, per-source figures, confusion and calibration."""
    with user_errors():
        records = read_labelled(files)
        if not records:
            raise fail("no labelled records in the given files")
        catalog = load_catalog()
        decide: Decider = classifier_decider(LaneClassifier.load(classifier), catalog.owner)
        report = evaluate(records, decide, catalog.owner)
        loso_report: LosoReport | None = None
        if loso:
            console = Console(stderr=True)

            def fit(train_records: Any) -> Decider:
                return classifier_decider(_train(list(train_records)), catalog.owner)

            with console.status("leave-one-source-out") as status:
                loso_report = leave_one_source_out(
                    records,
                    fit,
                    catalog.owner,
                    progress=lambda s: status.update(f"leave-one-source-out: holding out {s}"),
                )
    if as_json:
        out = report.to_dict()
        if loso_report is not None:
            out["loso"] = loso_report.to_dict()
        typer.echo(json.dumps(out, indent=2))
        return
    console = Console()
    _print_report(console, "packaged classifier" if classifier is None else str(classifier), report)
    if loso_report is not None:
        _print_loso(console, loso_report)


def _print_report(console: Console, title: str, report: Report) -> None:
    console.print(
        f"[bold]{title}[/]: n={report.n}  lane macro-F1={report.lane_macro_f1:.3f}  "
        f"model accuracy={report.model_accuracy:.3f}  lane accuracy={report.lane_accuracy:.3f}  "
        f"ECE={report.ece:.3f}"
    )
    by_source = Table(title="by source")
    for col in ("source", "n", "model accuracy", "lane accuracy"):
        by_source.add_column(col, justify="left" if col == "source" else "right")
    for source, fig in report.by_source.items():
        by_source.add_row(escape(source), str(fig.n), f"{fig.model_accuracy:.3f}", f"{fig.lane_accuracy:.3f}")
    console.print(by_source)
    lanes = list(report.confusion)
    matrix = Table(title="confusion (rows: true lane, columns: predicted)")
    matrix.add_column("true \\ predicted")
    for lane in lanes:
        matrix.add_column(lane, justify="right")
    for lane in lanes:
        matrix.add_row(lane, *(str(report.confusion[lane][p]) for p in lanes))
    console.print(matrix)


def _print_loso(console: Console, loso: LosoReport) -> None:
    table = Table(title="leave-one-source-out (each source predicted by a model trained without it)")
    for col in ("held-out source", "n", "model accuracy", "lane accuracy", "ECE"):
        table.add_column(col, justify="left" if col == "held-out source" else "right")
    for source, r in loso.by_source.items():
        table.add_row(
            escape(source), str(r.n), f"{r.model_accuracy:.3f}", f"{r.lane_accuracy:.3f}", f"{r.ece:.3f}"
        )
    o = loso.overall
    table.add_row(
        "[bold]overall[/]",
        str(o.n),
        f"{o.model_accuracy:.3f}",
        f"{o.lane_accuracy:.3f}",
        f"{o.ece:.3f}",
    )
    console.print(table)
    console.print(f"LOSO lane macro-F1 (pooled): {o.lane_macro_f1:.3f}")


def train_command(
    files: Files,
    out: Annotated[Path, typer.Option("--out", help="Where to write the weights.")] = Path(
        "laneway-lanes.npz"
    ),
    holdout_source: Annotated[
        str | None, typer.Option("--holdout-source", help="Leave this source out and report on it.")
    ] = None,
) -> None:
    """Refit the lane classifier on labelled JSONL and save its weights."""
    console = Console(stderr=True)
    with user_errors():
        records = read_labelled(files)
        sources = sorted({r.source for r in records})
        console.print(
            f"read {len(records)} records from {len(files)} file(s); sources: {sources}", markup=False
        )
        if holdout_source is not None and holdout_source not in sources:
            raise fail(f"--holdout-source {holdout_source!r} is not a source in the input")
        with console.status("training (features, fit, calibration)"):
            clf = _train(records, holdout_source)
        console.print(f"trained: {clf.n_features} features, temperature {clf.temperature:.3f}")
        if holdout_source is not None:
            catalog = load_catalog()
            held = [r for r in records if r.source == holdout_source]
            r = evaluate(held, classifier_decider(clf, catalog.owner), catalog.owner)
            console.print(
                f"held-out {holdout_source}: n={r.n} model accuracy={r.model_accuracy:.3f} "
                f"lane accuracy={r.lane_accuracy:.3f} ECE={r.ece:.3f}"
            )
        clf.save(out)
    typer.echo(f"saved weights to {out}")
