"""``laneway keys create|list|revoke`` through a Typer app of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from laneway.cli.keys import register
from laneway.keys.model import well_formed


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:  # keeps ``keys`` a sub-command
        pass

    return app


@pytest.fixture
def config(tmp_path: Path) -> Path:
    file = tmp_path / "laneway.yaml"
    file.write_text(f"keys:\n  path: {tmp_path / 'keys.db'}\nauth:\n  secret_file: {tmp_path / 'secret'}\n")
    return file


def test_create_prints_the_key_once_and_list_never_shows_it(
    app: typer.Typer, config: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["keys", "create", "--name", "ci", "--budget-usd", "5", "--period", "day", "--rpm", "60",
         "--tpm", "10000", "--models", "gpt-5.4-mini", "--lanes", "routine,subagent",
         "--expires", "2099-12-31", "--config", str(config), "--json"],
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    info = json.loads(created.stdout)
    raw = info["key"]
    assert well_formed(raw)
    assert info["budget_usd"] == 5 and info["period"] == "day" and info["lanes"] == ["routine", "subagent"]
    assert info["expires"] == "2100-01-01T00:00:00Z"
    listed = runner.invoke(app, ["keys", "list", "--config", str(config), "--json"])
    assert listed.exit_code == 0
    assert [k["id"] for k in json.loads(listed.stdout)] == [info["id"]]
    assert raw not in listed.output
    for file in tmp_path.rglob("*"):
        assert raw.encode() not in file.read_bytes()


def test_revoke_and_unknown_ids(app: typer.Typer, config: Path) -> None:
    runner = CliRunner()
    info = json.loads(runner.invoke(app, ["keys", "create", "--config", str(config), "--json"]).stdout)
    revoked = runner.invoke(app, ["keys", "revoke", info["id"], "--config", str(config)])
    assert revoked.exit_code == 0 and info["id"] in revoked.output
    listed = json.loads(runner.invoke(app, ["keys", "list", "--config", str(config), "--json"]).stdout)
    assert listed[0]["revoked"] is True
    missing = runner.invoke(app, ["keys", "revoke", "key_nope", "--config", str(config)])
    assert missing.exit_code == 2 and "key_nope" in missing.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "year"], "unknown budget period"),
        (["--lanes", "gardening"], "unknown lane"),
        (["--models", "gpt-2"], "unknown model"),
        (["--expires", "2001-01-01"], "in the past"),
        (["--expires", "soon"], "not a date"),
        (["--rpm", "0"], "rpm must be >= 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    app: typer.Typer, config: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["keys", "create", "--config", str(config), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_plain_output_shows_the_key_and_a_table_lists_it(app: typer.Typer, config: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--name", "team", "--config", str(config)])
    assert created.exit_code == 0
    assert any(well_formed(line.strip()) for line in created.stdout.splitlines())
    listed = runner.invoke(app, ["keys", "list", "--config", str(config)])
    assert "team" in listed.output and "active" in listed.output
