"""Start-time admission checks: workers vs in-process limits, ``auth.mode`` vs the bind address,
the ledger backend, and what ``make run`` (no config, loopback) does out of the box."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from laneway.config import parse_config
from laneway.errors import ConfigError
from laneway.gateway.app import (  # build_ledger: re-exported from laneway.ledger.factory
    build_ledger,
    create_app,
)


def laneway(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "laneway", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )


def test_two_workers_with_in_process_limits_are_refused_naming_the_redis_setting(tmp_path: Path) -> None:
    result = laneway("serve", "--workers", "2", "--simulate", cwd=tmp_path)
    assert result.returncode == 2
    assert "limits.backend" in result.stderr
    assert "limits.backend: redis" in result.stderr and "LANEWAY_REDIS_URL" in result.stderr
    assert "multiply every budget and rate limit by 2" in result.stderr


def test_auth_none_off_loopback_is_refused_at_start(tmp_path: Path) -> None:
    config = tmp_path / "laneway.yaml"
    config.write_text("auth: {mode: none}\n")
    result = laneway("serve", "--config", str(config), "--host", "0.0.0.0", "--simulate", cwd=tmp_path)
    assert result.returncode == 2
    assert "auth.mode: 'none' turns authentication off" in result.stderr
    assert "not '0.0.0.0'" in result.stderr


async def _status_without_key(host: str | None, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> int:
    env = {"LANEWAY_HOST": host} if host else {}
    config = parse_config(
        {
            "auth": {"secret_file": str(tmp_path / "secret")},
            "keys": {"path": str(tmp_path / "k.db")},
            "ledger": {"path": ":memory:"},
        }
    )
    app = create_app(config, env=env, simulate=True)
    await app.startup()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://laneway") as http:
            body = {"model": "laneway/auto", "messages": [{"role": "user", "content": "hi"}]}
            return (await http.post("/v1/chat/completions", json=body)).status_code
    finally:
        await app.shutdown()


async def test_the_default_auth_on_loopback_serves_without_a_key_and_says_so(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.WARNING, logger="laneway")
    assert parse_config({}).auth.mode == "auto"
    assert await _status_without_key(None, caplog, tmp_path) == 200
    assert "authentication is off (auth.mode auto on loopback 127.0.0.1)" in caplog.text


async def test_the_default_auth_off_loopback_requires_keys(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    assert await _status_without_key("0.0.0.0", caplog, tmp_path) == 401
    assert "authentication is off" not in caplog.text


def test_a_postgres_ledger_needs_a_dsn() -> None:
    config = parse_config({"ledger": {"backend": "postgres"}})
    with pytest.raises(
        ConfigError, match=r"ledger.dsn: backend postgres needs ledger.dsn or \$LANEWAY_POSTGRES_DSN"
    ):
        build_ledger(config, {})
    ledger = build_ledger(config, {"LANEWAY_POSTGRES_DSN": "postgresql://x@127.0.0.1/db"})
    assert type(ledger).__name__ == "PostgresLedger"
