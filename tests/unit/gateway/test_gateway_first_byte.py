"""The first-byte bound through the real HTTP upstream (OpenAIUpstream bounds it itself)."""

from __future__ import annotations

import httpx

from laneway.config import parse_config
from laneway.gateway.app import create_app
from laneway.ledger.memory import MemoryLedger
from laneway.upstream.simulated import SimulatedServer, SimulatedSettings

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


async def test_a_slow_openai_upstream_times_out_at_first_byte_and_falls_back() -> None:
    async with (
        SimulatedServer(SimulatedSettings(latency_ms=5000)) as slow,
        SimulatedServer(SimulatedSettings()) as fast,
    ):
        config = parse_config(
            {
                "providers": [
                    {"name": "p-mini", "models": [MINI], "api_key_env": "K", "base_url": slow.base_url,
                     "first_byte_timeout_s": 0.2},
                    {"name": "p-codex", "models": [CODEX], "api_key_env": "K", "base_url": fast.base_url},
                ],
                "ledger": {"path": ":memory:"},
                "retry": {"max_attempts": 1},
            }
        )  # fmt: skip
        ledger = MemoryLedger()
        app = create_app(config, ledger=ledger, env={"K": "sk-test"})
        await app.startup()
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://laneway", timeout=10
            ) as client:
                body = {"model": "laneway/routine", "messages": [{"role": "user", "content": "hi"}]}
                r = await client.post("/v1/chat/completions", json=body)
        finally:
            await app.shutdown()
        assert r.status_code == 200
        assert r.headers["x-laneway-model"] == CODEX
        (row,) = await ledger.rows()
        assert row.attempts == 2 and "no response within 0.2s" in row.reasons
