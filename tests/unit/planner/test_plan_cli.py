"""`laneway plan` through the real CLI entry point (a subprocess): outputs, exit codes, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .conftest import ROLLOUTS

JSON_KEYS = {
    "schema",
    "tier",
    "inputs",
    "assumptions",
    "lanes",
    "policies",
    "codex",
    "tiers",
    "shadow",
    "timeline",
}
POLICY_KEYS = {
    "policy", "title", "cost_usd", "cost_by_lane", "calls", "specialist_calls", "specialist_share", "credits",
    "expected_success", "expected_success_by_lane", "infeasible_records", "peak_tpm", "lowest_tier",
    "holds_at_tier",
}  # fmt: skip


def laneway(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "laneway", "plan", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_json_report_has_the_documented_keys() -> None:
    result = laneway(str(ROLLOUTS), "--format", "json", "--tier", "3")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == JSON_KEYS
    assert report["schema"] == "laneway-plan/1" and report["tier"] == 3
    assert [p["policy"] for p in report["policies"]] == [
        "all_mini",
        "all_codex",
        "laneway",
        "mini_first",
        "random_mix",
    ]
    assert all(set(p) == POLICY_KEYS for p in report["policies"])
    assert [r["lane"] for r in report["lanes"]][:3] == ["routine", "subagent", "computer_use"]


def test_text_report_names_the_policies_and_bad_lines(
    write_jsonl: Callable[[str, Sequence[Any]], Path],
) -> None:
    path = write_jsonl("log.jsonl", [{"model": "m", "input": "Summarise this"}, "garbage"])
    result = laneway(str(path))
    assert result.returncode == 0, result.stderr
    assert "laneway routing" in result.stdout and "random mix" in result.stdout
    assert f"{path}:2: invalid JSON" in result.stdout
    assert "Estimated usage" in result.stdout


def test_unknown_input_format_is_a_one_line_error() -> None:
    result = laneway(str(ROLLOUTS), "--input-format", "xml")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "laneway: error: unknown input format 'xml' (known: auto, openai, codex, ledger)"
    )


def test_empty_and_missing_inputs_exit_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = laneway(str(empty))
    assert result.returncode == 2 and "empty file" in result.stderr
    result = laneway(str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "no such file or directory" in result.stderr


def test_a_bad_escalation_rate_names_the_lanes() -> None:
    result = laneway(str(ROLLOUTS), "--escalation-rate", "terminl=0.2")
    assert result.returncode == 2 and "known: routine" in result.stderr
    result = laneway(str(ROLLOUTS), "--escalation-rate", "terminal=2")
    assert result.returncode == 2 and "between 0 and 1" in result.stderr


def test_html_and_png_files_are_written(tmp_path: Path) -> None:
    out, pngs = tmp_path / "plan.html", tmp_path / "png"
    result = laneway(str(ROLLOUTS), "--format", "html", "--out", str(out), "--png-dir", str(pngs))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert (
        'id="chart-cost"' in html
        and 'id="chart-tpm"' in html
        and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    )
    assert sorted(p.name for p in pngs.iterdir()) == ["cost.png", "lanes.png", "tpm.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs.iterdir())


def test_the_codex_threshold_trades_specialist_calls_for_cost(tmp_path: Path) -> None:
    texts = [
        "Write a Python script that parses the nginx access log and counts requests per status code",
        "The deploy script fails with permission denied on /var/run/app.sock; fix it and restart",
        "Summarise this paragraph in two sentences",
        "Refactor the payment module so the retry logic lives in one place and add tests",
        "Open the spreadsheet and bold the header row",
        # ambiguous (codex share ~0.6 with the shipped weights): the knob decides it
        "Clean up the old branches",
    ]
    log = tmp_path / "requests.jsonl"
    log.write_text("".join(json.dumps({"model": "x", "input": t}) + "\n" for t in texts * 4))

    def laneway_policy(*extra: str) -> dict[str, Any]:
        result = laneway(str(log), "--format", "json", *extra)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        return {"threshold": report["assumptions"]["codex_threshold"]} | next(
            p for p in report["policies"] if p["policy"] == "laneway"
        )

    low, plain, high = (
        laneway_policy("--codex-threshold", "0.05"),
        laneway_policy(),
        laneway_policy("--codex-threshold", "0.95"),
    )
    assert (low["threshold"], plain["threshold"], high["threshold"]) == (0.05, None, 0.95)
    assert low["specialist_share"] >= plain["specialist_share"] >= high["specialist_share"]
    assert low["specialist_share"] > high["specialist_share"]
    assert low["cost_usd"] > high["cost_usd"]
    result = laneway(str(log), "--codex-threshold", "2")
    assert result.returncode == 2 and "codex_threshold must be between 0 and 1" in result.stderr
