"""Retries, Retry-After, fallback and cooldown, seen from the client and the ledger."""

from __future__ import annotations

from typing import Any

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


async def test_429_with_retry_after_is_retried_after_the_asked_delay(make_harness: Any) -> None:
    h = await make_harness()
    Step = h.Step
    h.mini.push(Step("status", 429, {"retry-after": "2"}))
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 200
    assert r.headers["x-laneway-model"] == MINI
    assert h.clock.sleeps == [2.0]
    (row,) = await h.rows()
    assert row.attempts == 2 and row.model_served == MINI and row.status == "ok"


async def test_retry_after_ms_wins_over_retry_after(make_harness: Any) -> None:
    h = await make_harness()
    Step = h.Step
    h.mini.push(Step("status", 503, {"retry-after": "5", "retry-after-ms": "250"}))
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 200
    assert h.clock.sleeps == [0.25]


async def test_retry_after_longer_than_the_cap_falls_back_at_once(make_harness: Any) -> None:
    h = await make_harness(retry={"max_retry_after_s": 1.0})
    Step = h.Step
    h.mini.push(Step("status", 429, {"retry-after": "30"}))
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 200
    assert r.headers["x-laneway-model"] == CODEX
    assert h.clock.sleeps == []
    assert len(h.mini.requests) == 1


async def test_5xx_after_retries_falls_back_to_the_next_candidate(make_harness: Any) -> None:
    h = await make_harness()
    Step = h.Step
    h.mini.push(Step("status", 500), Step("status", 502))
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 200
    assert r.json()["model"] == CODEX
    assert r.headers["x-laneway-model"] == CODEX
    (row,) = await h.rows()
    assert row.attempts == 3 and row.model_served == CODEX
    assert all(resp.closed for resp in h.mini.responses), "failed attempts must free their connection"


async def test_timeouts_and_connect_errors_fall_back(make_harness: Any) -> None:
    h = await make_harness()
    Step = h.Step
    h.mini.push(Step("timeout"), Step("connect"))
    r = await h.responses(model="laneway/routine")
    assert r.status_code == 200
    assert r.json()["model"] == CODEX


async def test_a_hanging_upstream_times_out_at_first_byte_and_falls_back(make_harness: Any) -> None:
    h = await make_harness(
        providers=[
            {"name": "p-mini", "models": [MINI], "api_key_env": None, "first_byte_timeout_s": 0.05},
            {"name": "p-codex", "models": [CODEX], "api_key_env": None},
        ],
        retry={"max_attempts": 1},
    )
    Step = h.Step
    h.mini.push(Step("hang"))
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 200 and r.headers["x-laneway-model"] == CODEX


async def test_every_candidate_failing_gives_503_and_a_ledger_row(make_harness: Any) -> None:
    h = await make_harness()
    Step = h.Step
    h.mini.push(*[Step("status", 503)] * 2)
    h.codex.push(*[Step("status", 503)] * 2)
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 503
    assert r.json()["error"]["type"] == "server_error"
    assert "x-request-id" in r.headers
    (row,) = await h.rows()
    assert row.status == "upstream_error" and row.http_status == 503 and row.attempts == 4


async def test_all_timeouts_give_504_and_connect_errors_502(make_harness: Any) -> None:
    h = await make_harness(retry={"max_attempts": 1})
    Step = h.Step
    h.mini.push(Step("timeout"))
    h.codex.push(Step("timeout"))
    assert (await h.chat(model="laneway/routine")).status_code == 504
    h.mini.push(Step("connect"))
    h.codex.push(Step("connect"))
    assert (await h.chat(model="laneway/routine")).status_code == 502


async def test_a_client_error_from_upstream_is_passed_through_not_retried(make_harness: Any) -> None:
    h = await make_harness()
    Step = h.Step
    h.mini.push(Step("status", 400))
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "fake 400"
    assert len(h.mini.requests) == 1 and not h.codex.requests


async def test_a_failing_deployment_cools_down_and_is_skipped(make_harness: Any) -> None:
    h = await make_harness(retry={"max_attempts": 1, "cooldown_failures": 2, "cooldown_s": 30})
    Step = h.Step
    h.mini.push(Step("status", 500), Step("status", 500))
    await h.chat(model="laneway/routine")
    await h.chat(model="laneway/routine")
    assert len(h.mini.requests) == 2
    r = await h.chat(model="laneway/routine")  # mini is cooling down: straight to codex
    assert r.headers["x-laneway-model"] == CODEX
    assert len(h.mini.requests) == 2
    h.clock.now += 31
    r = await h.chat(model="laneway/routine")
    assert r.headers["x-laneway-model"] == MINI


async def test_a_stream_refused_before_its_first_byte_falls_back(make_harness: Any) -> None:
    h = await make_harness(retry={"max_attempts": 1})
    Step = h.Step
    h.mini.push(Step("status", 503))
    r = await h.chat(model="laneway/routine", stream=True)
    assert r.status_code == 200
    assert r.headers["x-laneway-model"] == CODEX
    assert r.text.endswith("data: [DONE]\n\n")
