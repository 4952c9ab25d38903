"""``laneway ledger import FILE``: load rows a ledger spilled (its store was failing) back into it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from laneway.cli.common import fail, user_errors
from laneway.config import Config, load_config
from laneway.ledger.base import LedgerRow


def register(app: typer.Typer) -> None:
    ledger_app = typer.Typer(help="The spend ledger.", no_args_is_help=True)
    app.add_typer(ledger_app, name="ledger")

    @ledger_app.command("import")
    def import_(
        files: Annotated[list[Path], typer.Argument(help="Spill files (JSON lines of ledger rows).")],
        config: Annotated[
            Path | None, typer.Option("--config", "-c", help="laneway config: the ledger section.")
        ] = None,
    ) -> None:
        """Write spilled rows into the configured ledger; rows already there (same request id) are skipped."""
        from laneway.ledger.spill import read_spill

        for path in files:
            if not path.is_file():
                raise fail(f"{path}: no such file")
        with user_errors():
            cfg = load_config(config)
        reads = [(path, read_spill(path)) for path in files]
        for path, read in reads:
            for number, why in read.bad[:20]:
                typer.echo(f"laneway: {path}:{number}: not a ledger row ({why}); skipped", err=True)
            if len(read.bad) > 20:
                typer.echo(f"laneway: {path}: {len(read.bad) - 20} more bad lines skipped", err=True)
        rows = [row for _, read in reads for row in read.rows]
        with user_errors():
            written, present = asyncio.run(_import(cfg, rows))
        bad = sum(len(read.bad) for _, read in reads)
        typer.echo(f"imported {written} rows ({present} already in the ledger, {bad} bad lines skipped)")
        if bad:
            raise typer.Exit(1)


async def _import(cfg: Config, rows: list[LedgerRow]) -> tuple[int, int]:
    from laneway.ledger.factory import build_ledger

    ledger = build_ledger(cfg)
    await ledger.start()
    try:
        present = {row.request_id for row in await ledger.rows()}
        written = 0
        for row in rows:
            if row.request_id not in present:
                ledger.write(row)
                present.add(row.request_id)
                written += 1
        await ledger.flush()
    finally:
        await ledger.close()
    return written, len(rows) - written
