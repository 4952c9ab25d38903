"""`laneway route` and `laneway catalog` through the real CLI entry point (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "data"


def laneway(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "laneway", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_route_text_json_has_the_documented_keys() -> None:
    result = laneway(
        "route", "Review this diff for bugs:\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b", "--json"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"lane", "model", "confidence", "reasons", "candidates", "estimated_cost_usd", "forced"} <= set(
        out
    )
    assert all(set(c) == {"model", "kept", "why"} for c in out["candidates"])
    assert isinstance(out["reasons"], list) and out["reasons"]


def test_route_table_prints_reasons_verbatim() -> None:
    # the #repl signal's description holds "[n]", which rich would take for markup and drop
    result = laneway("route", "Wrong result\nIn [3]: simplify(x - x)\nOut[3]: x")
    assert result.returncode == 0, result.stderr
    assert "In [n]:" in " ".join(result.stdout.split())


def test_route_tools_and_surface_flags_apply_constraints() -> None:
    out = json.loads(laneway("route", "fix it", "--surface", "codex-cloud", "--json").stdout)
    assert (out["lane"], out["model"]) == ("cloud_task", "gpt-5.3-codex")
    out = json.loads(laneway("route", "check", "--tools", "web_search", "--json").stdout)
    assert {"model": "gpt-5.3-codex", "kept": False, "why": "lacks hosted tool web_search"} in out[
        "candidates"
    ]
    result = laneway("route", "check", "--tools", "file_search", "--surface", "codex-review")
    assert result.returncode == 2
    assert "No model can serve lane code_review" in result.stderr
    # web_search on a Codex surface: the Codex CLI declares it every turn, so codex serves without it
    out = json.loads(
        laneway("route", "check", "--tools", "web_search", "--surface", "codex-review", "--json").stdout
    )
    assert (out["model"], out["stripped_tools"]) == ("gpt-5.3-codex", ["web_search"])


def test_route_a_whole_codex_request() -> None:
    result = laneway("route", "--request", str(FIXTURES / "codex-cli-0.169.0" / "request.json"), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["surface"] == "codex-local"
    # "Use a tool to list the files": terminal work; the declared web_search is stripped for codex
    assert (out["lane"], out["model"], out["stripped_tools"]) == ("terminal", "gpt-5.3-codex", ["web_search"])
    assert any("policy.codex_strip_hosted_tools" in r for r in out["reasons"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("route", "x", "--surface", "moon"), "unknown surface 'moon'"),
        (("route", "--request", "/nonexistent.json"), "/nonexistent.json: no such file"),
        (("route",), "give exactly one of TEXT"),
        (("route", "x", "--header", "nocolon"), "expected 'Name: value'"),
        (("route", "x", "--config", "/nonexistent.yaml"), "cannot read config"),
    ],
)
def test_route_bad_input_is_one_line_and_non_zero(args: tuple[str, ...], message: str) -> None:
    result = laneway(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_route_invalid_json_request_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"model": "x",\n  "input": }')
    result = laneway("route", "--request", str(bad))
    assert result.returncode == 2
    assert "invalid JSON at line 2" in result.stderr


def test_route_a_body_that_is_neither_chat_nor_responses(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"model": "x"}')
    result = laneway("route", "--request", str(bad))
    assert result.returncode == 2 and "neither 'messages'" in result.stderr


def test_route_unknown_lane_hint_in_a_request(tmp_path: Path) -> None:
    bad = tmp_path / "hint.json"
    bad.write_text(json.dumps({"model": "laneway/gardening", "input": "hi"}))
    result = laneway("route", "--request", str(bad))
    assert result.returncode == 2 and "unknown lane 'gardening'" in result.stderr


def test_catalog_json_and_a_config_override(tmp_path: Path) -> None:
    config = tmp_path / "laneway.yaml"
    config.write_text("catalog:\n  models:\n    gpt-5.4-mini:\n      price_per_mtok: {input: 0.5}\n")
    out = json.loads(laneway("catalog", "--json", "--config", str(config)).stdout)
    assert out["models"]["gpt-5.4-mini"]["price_per_mtok"] == {
        "input": 0.5,
        "cached_input": 0.075,
        "output": 4.5,
    }


def test_a_wrong_config_field_fails_at_start_with_its_path(tmp_path: Path) -> None:
    config = tmp_path / "laneway.yaml"
    config.write_text("policy:\n  min_confidense: 0.3\n")
    result = laneway("catalog", "--config", str(config))
    assert result.returncode == 2
    assert "min_confidense" in result.stderr and str(config) in result.stderr
