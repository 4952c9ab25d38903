"""``laneway simulate`` registers on a Typer app and validates its options."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from laneway.cli.simulate import register


def app() -> typer.Typer:
    root = typer.Typer()
    register(root)

    @root.callback()
    def _root() -> None:  # keep "simulate" a subcommand
        pass

    return root


def test_simulate_help_lists_its_options() -> None:
    result = CliRunner().invoke(app(), ["simulate", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--latency-ms", "--fail-rate", "--seed"):
        assert option in result.output


def test_simulate_rejects_a_fail_rate_above_one() -> None:
    result = CliRunner().invoke(app(), ["simulate", "--fail-rate", "2"])
    assert result.exit_code != 0
