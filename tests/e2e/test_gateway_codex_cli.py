"""The real Codex CLI (npm @openai/codex) through laneway to the simulated upstream.

Codex is installed once into tests/e2e/.codex-cli/ (gitignored) and reused. Without npm or the
network the test skips with the reason, except under LANEWAY_CI=1 where it must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

CODEX_VERSION = "0.169.0"
INSTALL_DIR = Path(__file__).parent / ".codex-cli"
CODEX_BIN = INSTALL_DIR / "node_modules" / ".bin" / "codex"


def _unavailable(reason: str) -> None:
    if os.environ.get("LANEWAY_CI"):
        pytest.fail(f"Codex CLI e2e must run under LANEWAY_CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def codex_bin() -> Path:
    if CODEX_BIN.exists():
        return CODEX_BIN
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed")
    INSTALL_DIR.mkdir(exist_ok=True)
    cmd = [
        npm,
        "install",
        "--no-audit",
        "--no-fund",
        "--prefix",
        str(INSTALL_DIR),
        f"@openai/codex@{CODEX_VERSION}",
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        _unavailable("npm install @openai/codex timed out (no network?)")
    if done.returncode != 0 or not CODEX_BIN.exists():
        _unavailable(f"npm install @openai/codex failed: {done.stderr.strip()[-300:]}")
    return CODEX_BIN


def run_codex(
    codex: Path, gateway: Any, workdir: Path, home: Path, prompt: str, model: str
) -> subprocess.CompletedProcess[str]:
    provider = (
        f'model_providers.laneway={{name="laneway",base_url="{gateway.base_url}",'
        'wire_api="responses",env_key="LANEWAY_KEY",supports_websockets=false}'
    )
    cmd = [
        str(codex), "exec", "--skip-git-repo-check", "-c", f"model={model}",
        "-c", "model_provider=laneway", "-c", provider, prompt,
    ]  # fmt: skip
    env = {**os.environ, "CODEX_HOME": str(home), "LANEWAY_KEY": "sk-laneway"}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run(
        cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=150, stdin=subprocess.DEVNULL,
        check=False,
    )  # fmt: skip


def test_codex_exec_finishes_a_turn_with_a_tool_call_through_laneway(
    codex_bin: Path, gateway: Any, tmp_path: Path
) -> None:
    home, work = tmp_path / "codex-home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (work / "README.md").write_text("hello\n")
    done = run_codex(codex_bin, gateway, work, home, "Use a tool to list the files", "laneway/auto")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "the tool ran" in done.stdout, done.stdout[-2000:]
    rows = gateway.rows()
    assert len(rows) >= 2, "a tool call and the turn after it"
    for row in rows:
        assert row.endpoint == "responses" and row.stream and row.status == "ok"
        # terminal work from the Codex CLI reaches codex: its declared web_search is stripped
        assert (row.lane, row.model_served) == ("terminal", "gpt-5.3-codex"), row.reasons
        assert "strips hosted tool web_search" in row.reasons
        assert row.decision_id and row.session, "Codex's session id keys the session"
        assert row.output_tokens > 0 and row.cost_usd > 0
    assert len({row.model_served for row in rows}) == 1, "the session stays pinned to one model"
    bodies = [r.body for r in gateway.simulated().requests]
    assert any(
        item.get("type") == "function_call_output" for item in bodies[-1]["input"] if isinstance(item, dict)
    ), "the second request carried the tool output back"
    for body in bodies:  # what went upstream no longer declares the hosted tool codex lacks
        assert body["model"] == "gpt-5.3-codex"
        assert all(t.get("type") != "web_search" for t in body.get("tools", [])), body.get("tools")
