"""``laneway simulate``: run the simulated OpenAI upstream standalone (offline demos, benchmarks)."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)


def simulate(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 9000,
    latency_ms: Annotated[float, typer.Option(help="Delay before the first byte of every reply.")] = 0.0,
    inter_chunk_ms: Annotated[float, typer.Option(help="Delay between streamed events.")] = 0.0,
    fail_rate: Annotated[float, typer.Option(help="Share of requests answered 429/500/503 (0..1).")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed for failure injection.")] = 0,
) -> None:
    """Serve OpenAI-shaped Chat and Responses replies at http://HOST:PORT/v1 (no API key needed)."""
    from aiohttp import web

    from laneway.upstream.simulated import SimulatedSettings, build_app

    if not 0.0 <= fail_rate <= 1.0:
        raise typer.BadParameter("must be between 0 and 1", param_hint="--fail-rate")
    settings = SimulatedSettings(
        latency_ms=latency_ms, inter_chunk_ms=inter_chunk_ms, fail_rate=fail_rate, seed=seed
    )
    typer.echo(f"laneway simulate: OpenAI-compatible fake at http://{host}:{port}/v1 (Ctrl-C stops)")
    web.run_app(build_app(settings), host=host, port=port, print=None, access_log=None)
