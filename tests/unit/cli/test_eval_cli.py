from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from laneway.cli.eval import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


runner = CliRunner()

RECORDS = [
    ("Write a python function that reverses a string.", "routine", "a"),
    ("What is the difference between a list and a tuple?", "routine", "b"),
    ("Open Chrome and bookmark the current page in the browser.", "computer_use", "a"),
    ("Click the Submit button at the bottom of the form.", "computer_use", "b"),
    ("docker compose up fails with 'port is already allocated'; fix it on the server.", "terminal", "a"),
    ("$ kubectl get pods\napi-7d9 0/1 CrashLoopBackOff\nfigure out why", "terminal", "b"),
    (
        "Bug: parse_config raises KeyError when the file is empty\n### Expected behavior\nDefaults.",
        "deep_coding",
        "a",
    ),
    ("Implement cursor pagination across the repository, service and handler layers.", "deep_coding", "b"),
    ("Can you review this PR?\n@@ -1,2 +1,2 @@\n-a = 1\n+a = 2\n", "code_review", "a"),
    ("Leave review comments on pull request #12, focus on error handling.", "code_review", "b"),
]


def labelled(tmp_path: Path, name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(json.dumps({"text": t, "lane": lane, "source": s}) for t, lane, s in RECORDS) + "\n",
        encoding="utf-8",
    )
    return path


def test_eval_json_reports_the_documented_keys(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(labelled(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"lane_macro_f1", "model_accuracy", "n", "by_source", "confusion", "ece"} <= set(out)
    assert out["n"] == len(RECORDS)
    assert set(out["by_source"]) == {"a", "b"}
    assert set(out["by_source"]["a"]) == {"n", "model_accuracy", "lane_accuracy"}
    assert out["model_accuracy"] >= 0.7  # the packaged classifier on easy texts


def test_eval_table_output_names_the_figures(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(labelled(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.stdout
    assert "by source" in result.stdout


def test_eval_table_prints_source_names_verbatim(app: typer.Typer, tmp_path: Path) -> None:
    # a source name is data: "[bold]" in it is not console markup
    path = tmp_path / "odd.jsonl"
    path.write_text(
        "\n".join(json.dumps({"text": t, "lane": lane, "source": f"[bold]{s}"}) for t, lane, s in RECORDS),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval", str(path)])
    assert result.exit_code == 0, result.output
    assert "[bold]a" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a", "lane": "routine"}\nnot json\n', "bad.jsonl:2: invalid JSON"),
        ('{"text": "a", "lane": "gardening"}\n', "bad.jsonl:1: unknown lane"),
    ],
)
def test_eval_bad_input_is_a_one_line_error(
    app: typer.Typer, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", str(bad), "--json"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_eval_missing_file_is_an_error(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_eval_missing_weights_is_an_error(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(labelled(tmp_path)), "--classifier", str(tmp_path / "w.npz")])
    assert result.exit_code == 2
    assert "weights not found" in result.stderr


def test_train_then_eval_with_the_new_weights_and_loso(app: typer.Typer, tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    data = labelled(tmp_path)
    weights = tmp_path / "mine.npz"
    result = runner.invoke(app, ["train", str(data), "--out", str(weights)])
    assert result.exit_code == 0, result.output
    assert weights.is_file()
    assert f"saved weights to {weights}" in result.stdout

    result = runner.invoke(app, ["eval", str(data), "--json", "--loso", "--classifier", str(weights)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["loso"]["by_source"]) == {"a", "b"}
    assert {"model_accuracy", "lane_macro_f1", "n"} <= set(out["loso"]["overall"])


def test_train_rejects_an_unknown_holdout_source(app: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["train", str(labelled(tmp_path)), "--holdout-source", "zzz", "--out", str(tmp_path / "w.npz")]
    )
    assert result.exit_code == 2
    assert "zzz" in result.stderr
