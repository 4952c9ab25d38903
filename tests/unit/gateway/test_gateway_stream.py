"""Streaming passthrough: framing, the usage chunk, mid-stream failures, cost equality."""

from __future__ import annotations

import json
from typing import Any

import pytest


def sse_data(text: str) -> list[str]:
    return [line[6:] for line in text.split("\n") if line.startswith("data: ")]


async def test_chat_stream_hides_the_usage_chunk_laneway_asked_for(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.chat(model="laneway/routine", stream=True)
    assert r.headers["content-type"].startswith("text/event-stream")
    sent = json.loads(h.mini.requests[0].body)
    assert sent["stream_options"] == {"include_usage": True}
    data = sse_data(r.text)
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert all("usage" not in c for c in chunks), "no usage key unless the client asked"
    assert all(c["choices"] for c in chunks)
    (row,) = await h.rows()
    assert row.input_tokens == 100 and row.output_tokens == 20 and row.cost_usd > 0


async def test_chat_stream_keeps_the_usage_chunk_when_the_client_asked(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.chat(model="laneway/routine", stream=True, stream_options={"include_usage": True})
    chunks = [json.loads(d) for d in sse_data(r.text)[:-1]]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["prompt_tokens"] == 100
    assert all("usage" in c for c in chunks)


async def test_responses_stream_is_forwarded_event_by_event(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.responses(model="laneway/routine", stream=True)
    events = [line[7:] for line in r.text.split("\n") if line.startswith("event: ")]
    assert events[0] == "response.created" and events[-1] == "response.completed"
    assert "[DONE]" not in r.text


@pytest.mark.parametrize("endpoint", ["chat", "responses"])
async def test_cost_of_streamed_and_non_streamed_replies_is_equal(make_harness: Any, endpoint: str) -> None:
    h = await make_harness()
    call = h.chat if endpoint == "chat" else h.responses
    plain = await call(model="laneway/routine")
    await call(model="laneway/routine", stream=True)
    first, second = await h.rows()
    assert first.cost_usd == second.cost_usd > 0
    assert (first.input_tokens, first.cached_input_tokens, first.output_tokens) == (100, 40, 20)
    assert (second.input_tokens, second.cached_input_tokens, second.output_tokens) == (100, 40, 20)
    assert float(plain.headers["x-laneway-cost-usd"]) == pytest.approx(first.cost_usd)


async def test_chat_midstream_failure_ends_with_an_error_chunk_then_done(make_harness: Any) -> None:
    h = await make_harness()
    h.mini.push(h.Step("midstream"))
    r = await h.chat(model="laneway/routine", stream=True)
    data = sse_data(r.text)
    assert data[-1] == "[DONE]"
    error = json.loads(data[-2])["error"]
    assert error["code"] == "upstream_stream_error" and error["type"] == "server_error"
    (row,) = await h.rows()
    assert row.status == "upstream_error" and row.output_tokens > 0


async def test_responses_midstream_failure_ends_with_response_failed(make_harness: Any) -> None:
    h = await make_harness()
    h.mini.push(h.Step("midstream"))
    r = await h.responses(model="laneway/routine", stream=True)
    blocks = [b for b in r.text.split("\n\n") if b.strip()]
    assert blocks[-1].startswith("event: response.failed\n")
    failed = json.loads(blocks[-1].split("data: ", 1)[1])
    assert failed["response"]["status"] == "failed"
    assert failed["response"]["id"] == "resp_1"  # the id from response.created
    assert failed["response"]["error"]["code"] == "upstream_stream_error"
    seqs = [json.loads(b.split("data: ", 1)[1])["sequence_number"] for b in blocks]
    assert seqs == list(range(len(seqs)))


async def test_stream_headers_carry_the_decision_but_no_cost(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.chat(model="laneway/routine", stream=True)
    assert r.headers["x-laneway-lane"] == "routine"
    assert "x-laneway-cost-usd" not in r.headers
    assert float(r.headers["x-laneway-overhead-ms"]) >= 0
