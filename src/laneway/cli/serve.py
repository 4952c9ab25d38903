"""``laneway serve``: run the gateway on uvicorn (uvloop + httptools)."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from laneway.cli.common import fail, user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        config: Annotated[Path | None, typer.Option(help="laneway config file (YAML).")] = None,
        host: Annotated[str | None, typer.Option(help="Interface to bind [config server.host].")] = None,
        port: Annotated[int | None, typer.Option(help="Port to bind [config server.port].")] = None,
        simulate: Annotated[
            bool, typer.Option(help="Serve from the built-in simulated upstream (offline, fake replies).")
        ] = False,
        classifier: Annotated[
            Path | None, typer.Option(help="Classifier weights from laneway train.")
        ] = None,
        workers: Annotated[int, typer.Option(min=1, help="Worker processes (one per CPU core).")] = 1,
        log_level: Annotated[
            str,
            typer.Option(help="Log level of uvicorn and laneway (critical, error, warning, info, debug)."),
        ] = "info",
        access_log: Annotated[
            bool,
            typer.Option(help="uvicorn's per-request access log (the ledger already records each request)."),
        ] = False,
    ) -> None:
        """Run the OpenAI-compatible gateway (POST /v1/chat/completions, /v1/responses)."""
        try:
            import aiohttp  # noqa: F401  (checked here so the error names the extra)
            import uvicorn
        except ModuleNotFoundError as exc:
            raise fail(f"laneway serve needs {exc.name}: pip install 'laneway[server]'") from None

        from laneway.admission import check_bind, check_workers
        from laneway.config import load_config

        with user_errors():
            cfg = load_config(config)
            bind = host or cfg.server.host
            check_workers(cfg, workers)  # in-process limits would be multiplied by the workers
            check_bind(cfg, bind)  # auth.mode: none only on loopback
        if workers > 1 and cfg.sessions.backend == "memory":
            typer.echo(
                f"laneway: warning: {workers} workers with in-process sessions: a session's turns may "
                "land on workers that do not share its pin or escalation; set sessions.backend: redis",
                err=True,
            )
        # Workers are separate processes: they rebuild the app from the environment.
        os.environ["LANEWAY_HOST"] = bind  # resolves auth.mode: auto (none only on loopback)
        if config is not None:
            os.environ["LANEWAY_CONFIG"] = str(config)
        if simulate:
            os.environ["LANEWAY_SIMULATE"] = "1"
        if classifier is not None:
            if not classifier.exists():
                raise fail(f"{classifier}: no such file")
            os.environ["LANEWAY_CLASSIFIER"] = str(classifier)
        with user_errors():
            from laneway.gateway.app import create_app

            create_app()  # fail fast (config, catalog, classifier) before binding the port
        try:
            log_setup = log_config(log_level)
        except ValueError as exc:
            raise fail(str(exc)) from None
        uvicorn.run(
            "laneway.gateway.app:create_server_app",  # create_app, then the GC tuned for serving
            factory=True,
            host=bind,
            port=port if port is not None else cfg.server.port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            log_level=log_level,
            log_config=log_setup,
            access_log=access_log,
            # laneway never reads the client address or scheme: no X-Forwarded-* rewriting
            # middleware wrapped around every request (a header scan and one more frame)
            proxy_headers=False,
            timeout_graceful_shutdown=30,
            timeout_keep_alive=int(cfg.server.keep_alive_s),
        )


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging set-up plus laneway's own loggers, on uvicorn's handler at ``level``
    (without it, laneway's info lines, such as each shutdown step, go nowhere). Raises
    ``ValueError`` for a level uvicorn does not know."""
    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    if level.lower() not in LOG_LEVELS:
        raise ValueError(f"unknown log level {level!r} (known: {', '.join(LOG_LEVELS)})")
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["laneway"] = {
        "handlers": ["default"],
        "level": LOG_LEVELS[level.lower()],
        "propagate": False,
    }
    return config
