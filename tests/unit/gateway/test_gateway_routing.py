"""Routing modes, aliases, the small endpoints and the gateway config."""

from __future__ import annotations

import json
from typing import Any

import pytest

from laneway.config import parse_config
from laneway.errors import ConfigError
from laneway.gateway.providers import SIMULATED_BANNER, resolve_providers

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


async def test_a_concrete_model_is_honoured_and_explained(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.chat("hello", model=CODEX)
    assert r.headers["x-laneway-model"] == CODEX
    assert "requested model gpt-5.3-codex honoured" in r.headers["x-laneway-reason"]
    (row,) = await h.rows()
    assert row.model_requested == CODEX and row.model_served == CODEX and row.mode == "route"


async def test_the_configured_auto_alias_routes(make_harness: Any) -> None:
    h = await make_harness(server={"auto_aliases": ["router"]})
    r = await h.chat("hello", model="router")
    assert r.status_code == 200 and r.headers["x-laneway-model"] in (MINI, CODEX)


async def test_shadow_mode_serves_the_requested_model_and_logs_the_decision(make_harness: Any) -> None:
    h = await make_harness(server={"routing": "shadow"})
    r = await h.chat("hello", model=CODEX, metadata={"lane": "routine"})
    assert r.json()["model"] == CODEX
    (row,) = await h.rows()
    assert row.mode == "shadow" and row.model_served == CODEX
    assert row.shadow_lane == "routine" and row.shadow_model == MINI


async def test_off_mode_forwards_a_concrete_model_without_a_decision(make_harness: Any) -> None:
    h = await make_harness(server={"routing": "off"})
    h.codex.push(h.Step("status", 500), h.Step("status", 500))
    r = await h.chat("hello", model=CODEX)
    assert r.status_code == 502, "off mode never falls back to another model"
    assert not h.mini.requests


async def test_stripped_hosted_tools_are_removed_from_the_upstream_body(make_harness: Any) -> None:
    h = await make_harness(policy={"strip_hosted_tools": ["web_search"]})
    tools = [{"type": "web_search"}, {"type": "function", "name": "exec_command", "parameters": {}}]
    r = await h.responses("review this diff", model="laneway/code_review", tools=tools)
    assert r.headers["x-laneway-model"] == CODEX
    sent = json.loads(h.codex.requests[0].body)
    assert [t["type"] for t in sent["tools"]] == ["function"]


async def test_models_lists_catalog_models_and_aliases(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.client.get("/v1/models")
    body = r.json()
    ids = [m["id"] for m in body["data"]]
    assert body["object"] == "list"
    assert {MINI, CODEX, "laneway/auto", "auto", "laneway/terminal", "laneway/routine"} <= set(ids)
    assert all(m["object"] == "model" and "created" in m and "owned_by" in m for m in body["data"])
    assert (await h.client.get("/v1/models/laneway/auto")).json()["id"] == "laneway/auto"


async def test_health_ready_and_metrics(make_harness: Any) -> None:
    h = await make_harness()
    assert (await h.client.get("/health")).status_code == 200
    assert (await h.client.get("/ready")).json() == {"status": "ready"}
    await h.chat(model="laneway/routine")
    text = (await h.client.get("/metrics")).text
    assert (
        'laneway_requests_total{endpoint="chat",lane="routine",model="gpt-5.4-mini",status="ok"} 1.0' in text
    )
    await h.app.shutdown()
    assert (await h.client.get("/ready")).status_code == 503


def test_gateway_config_typos_fail_with_their_path() -> None:
    with pytest.raises(ConfigError, match=r"providers\[0\].*unknown field `base_ulr`"):
        parse_config({"providers": [{"name": "x", "base_ulr": "http://x"}]})
    with pytest.raises(ConfigError, match=r"server.*routing"):
        parse_config({"server": {"routing": "sometimes"}})
    with pytest.raises(ConfigError, match="retry"):
        parse_config({"retry": {"max_attempts": 0}})


def test_default_providers_simulated_without_a_key_real_api_with_one() -> None:
    cfg = parse_config({})
    providers, banner = resolve_providers(cfg, {})
    assert [p.type for p in providers] == ["simulated"] and banner == SIMULATED_BANNER
    providers, banner = resolve_providers(cfg, {"OPENAI_API_KEY": "sk-x"})
    assert providers[0].type == "openai" and providers[0].base_url == "https://api.openai.com/v1"
    assert banner is None


async def test_a_provider_with_an_unknown_model_fails_at_start() -> None:
    from laneway.gateway.app import create_app

    cfg = parse_config({"providers": [{"name": "x", "models": ["gpt-3"]}], "ledger": {"path": ":memory:"}})
    app = create_app(cfg, env={})
    with pytest.raises(ConfigError, match=r"providers\[0\].models"):
        await app.startup()
    await app.shutdown()
