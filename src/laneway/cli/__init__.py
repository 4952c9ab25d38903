"""The ``laneway`` command line: one Typer app; each command family registers from its module."""

from __future__ import annotations

import importlib

import typer

_COMMAND_MODULES = (
    "laneway.cli.route",
    "laneway.cli.catalog",
    "laneway.cli.eval",
    "laneway.cli.serve",
    "laneway.cli.plan",
    "laneway.cli.simulate",
    "laneway.cli.keys",
    "laneway.cli.ledger",
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="laneway",
        help="Give each model the lane of work it is best at: route, serve, plan, eval.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency, not a command family not built yet
                raise
            continue
        module.register(app)
    return app


def main() -> None:
    build_app()()
