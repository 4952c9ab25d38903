"""The official openai SDK against a real laneway over HTTP, served by the simulated upstream."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import openai
import pytest

pytestmark = pytest.mark.e2e


def client(gateway: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.base_url, api_key="sk-laneway", max_retries=0)


def test_chat_completion(gateway: Any) -> None:
    raw = client(gateway).chat.completions.with_raw_response.create(
        model="laneway/auto", messages=[{"role": "user", "content": "Summarise this paragraph for me."}]
    )
    reply = raw.parse()
    assert reply.choices[0].message.content
    assert reply.model == raw.headers["x-laneway-model"]
    assert raw.headers["x-laneway-lane"] and raw.headers["x-laneway-decision-id"].startswith("dec_")
    assert float(raw.headers["x-laneway-cost-usd"]) > 0
    (row,) = gateway.rows()
    assert row.model_served == reply.model and row.status == "ok" and row.input_tokens > 0


def test_chat_stream(gateway: Any) -> None:
    stream = client(gateway).chat.completions.create(
        model="laneway/routine", messages=[{"role": "user", "content": "hello"}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith("Simulated reply from gpt-5.4-mini")
    assert all(c.usage is None for c in chunks)
    (row,) = gateway.rows()
    assert row.stream and row.output_tokens > 0 and row.cost_usd > 0


def test_responses(gateway: Any) -> None:
    reply = client(gateway).responses.create(model="laneway/terminal", input="run the tests")
    assert reply.model == "gpt-5.3-codex"
    assert reply.output_text.startswith("Simulated reply from gpt-5.3-codex")
    assert reply.usage is not None and reply.usage.input_tokens > 0


def test_responses_stream_helper(gateway: Any) -> None:
    with client(gateway).responses.stream(model="laneway/auto", input="Write a haiku about lanes.") as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert final.output_text
    (row,) = gateway.rows()
    assert row.stream and row.endpoint == "responses" and row.output_tokens > 0


def test_sdk_errors_map_to_its_exceptions(gateway: Any) -> None:
    c = client(gateway)
    with pytest.raises(openai.NotFoundError) as not_found:
        c.chat.completions.create(model="gpt-1", messages=[{"role": "user", "content": "x"}])
    assert not_found.value.code == "model_not_found"
    assert not_found.value.request_id is not None
    with pytest.raises(openai.BadRequestError):
        c.chat.completions.create(model="laneway/auto", messages="nope")  # type: ignore[arg-type]


def test_upstream_429_with_retry_after_is_retried_through_real_http(gateway: Any) -> None:
    gateway.simulated().push_script(429)
    started = time.monotonic()
    reply = client(gateway).chat.completions.create(
        model="gpt-5.4-mini", messages=[{"role": "user", "content": "hello"}],
        extra_headers={"x-laneway-sim-retry-after": "1"},
    )  # fmt: skip
    assert reply.model == "gpt-5.4-mini"
    (row,) = gateway.rows()
    assert row.attempts == 2 and row.status == "ok"
    assert time.monotonic() - started < 5


def test_midstream_failure_reaches_the_sdk_as_an_error(gateway: Any) -> None:
    gateway.simulated().push_script("midstream")
    stream = client(gateway).chat.completions.create(
        model="gpt-5.4-mini", messages=[{"role": "user", "content": "hello"}], stream=True
    )
    with pytest.raises(openai.APIError, match="mid-stream"):
        list(stream)
    (row,) = gateway.rows()
    assert row.status == "upstream_error"


def test_client_disconnect_mid_stream_cancels_upstream_and_is_recorded(gateway: Any) -> None:
    sim = gateway.simulated()
    sim.settings.inter_chunk_ms = 200.0
    sim.settings.chunks = 20

    async def go() -> None:
        async with httpx.AsyncClient() as http:
            body = {"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "hi"}], "stream": True}
            async with http.stream("POST", gateway.base_url + "/chat/completions", json=body) as r:
                async for _ in r.aiter_bytes():
                    break  # first bytes in, then the client goes away

    asyncio.run(go())
    deadline = time.monotonic() + 5
    rows = gateway.rows()
    while not rows and time.monotonic() < deadline:
        time.sleep(0.05)
        rows = gateway.rows()
    (row,) = rows
    assert row.status == "cancelled" and row.input_tokens > 0
    while sim.open_connections() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sim.open_connections() == 0, "the upstream connection was freed"
