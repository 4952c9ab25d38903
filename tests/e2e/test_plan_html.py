"""The HTML plan report rendered in headless Chromium: it opens offline and its charts are there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROLLOUTS = REPO / "tests" / "data" / "codex-rollouts" / "sessions"
pytestmark = pytest.mark.e2e


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if not os.environ.get("LANEWAY_CI"):
        pytest.skip("Chromium is not installed (apt-get install -y chromium); set LANEWAY_CI=1 to install it")
    if os.geteuid() != 0:
        pytest.fail("LANEWAY_CI=1 needs Chromium: run as root so the test can apt-get install it")
    subprocess.run(["apt-get", "install", "-y", "chromium"], check=True, capture_output=True, timeout=900)
    found = shutil.which("chromium")
    assert found, "apt-get install chromium did not provide a chromium binary"
    return found


def _browser(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"]  # fmt: skip
    return subprocess.run([chromium, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


def test_the_html_report_renders_offline_with_its_charts(tmp_path: Path) -> None:
    chromium = _chromium()
    html = tmp_path / "plan.html"
    made = subprocess.run(
        [sys.executable, "-m", "laneway", "plan", str(ROLLOUTS), "--format", "html", "--out", str(html)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    dom = _browser(chromium, tmp_path / "profile", "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    for chart in ("chart-cost", "chart-lanes", "chart-tpm"):
        assert f'id="{chart}"' in dom.stdout, chart
    assert dom.stdout.count('class="bar"') >= 5 + 2  # five policies, at least two lanes
    assert 'class="series"' in dom.stdout and 'class="limit"' in dom.stdout
    shot = tmp_path / "plan.png"
    taken = _browser(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1100,1600",
                     html.as_uri())  # fmt: skip
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("LANEWAY_UPDATE_SCREENSHOT"):
        shutil.copy(shot, REPO / "docs" / "plan-report.png")
