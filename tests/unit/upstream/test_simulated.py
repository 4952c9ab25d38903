"""The simulated upstream speaks OpenAI's exact wire: checked with raw HTTP and the openai SDK."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import openai
import pytest

from laneway.upstream.simulated import SimulatedServer, SimulatedSettings

EXEC_TOOL = {
    "type": "function",
    "name": "exec_command",
    "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}, "required": ["cmd"]},
}


@pytest.fixture
async def server() -> AsyncIterator[SimulatedServer]:
    async with SimulatedServer(SimulatedSettings(cached_fraction=0.5, reasoning_tokens=5)) as srv:
        yield srv


@pytest.fixture
async def client(server: SimulatedServer) -> AsyncIterator[openai.AsyncOpenAI]:
    sdk = openai.AsyncOpenAI(base_url=server.base_url, api_key="x", max_retries=0)
    yield sdk
    await sdk.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def sse_data(raw: bytes) -> list[str]:
    return [line[6:] for line in raw.decode().split("\n") if line.startswith("data: ")]


async def test_sdk_chat_completion_echoes_the_model_and_reports_usage(client: openai.AsyncOpenAI) -> None:
    reply = await client.chat.completions.create(
        model="gpt-5.4-mini", messages=[{"role": "user", "content": "summarise the release notes"}]
    )
    assert reply.model == "gpt-5.4-mini"
    assert (
        reply.choices[0].message.content
        == "Simulated reply from gpt-5.4-mini to: summarise the release notes"
    )
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None
    assert reply.usage.prompt_tokens_details is not None and reply.usage.completion_tokens_details is not None
    assert reply.usage.prompt_tokens_details.cached_tokens == reply.usage.prompt_tokens // 2
    assert reply.usage.completion_tokens_details.reasoning_tokens == 5
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


async def test_sdk_chat_stream_with_include_usage_ends_with_a_usage_chunk(client: openai.AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(
        model="gpt-5.4-mini",
        messages=[{"role": "user", "content": "hello"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Simulated reply from gpt-5.4-mini to: hello"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert all(c.usage is None for c in chunks[:-1])


async def test_raw_chat_stream_framing(server: SimulatedServer, http: aiohttp.ClientSession) -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    async with http.post(server.base_url + "/chat/completions", json=body) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        raw = await resp.read()
    assert b"event:" not in raw
    data = sse_data(raw)
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    assert all("usage" not in c for c in chunks)  # not asked for: absent, not null
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"

    body["stream_options"] = {"include_usage": True}
    async with http.post(server.base_url + "/chat/completions", json=body) as resp:
        chunks = [json.loads(d) for d in sse_data(await resp.read())[:-1]]
    assert [c["usage"] is None for c in chunks] == [True] * (len(chunks) - 1) + [False]
    assert chunks[-1]["choices"] == []


async def test_sdk_responses_create_returns_a_complete_response(client: openai.AsyncOpenAI) -> None:
    reply = await client.responses.create(
        model="gpt-5.3-codex", input="fix the failing build", instructions="be brief"
    )
    assert reply.model == "gpt-5.3-codex" and reply.status == "completed"
    assert reply.output_text == "Simulated reply from gpt-5.3-codex to: fix the failing build"
    assert reply.instructions == "be brief"
    assert reply.usage is not None and reply.usage.output_tokens_details.reasoning_tokens == 5


async def test_sdk_responses_stream_helper_accepts_the_event_sequence(client: openai.AsyncOpenAI) -> None:
    async with client.responses.stream(model="gpt-5.3-codex", input="stream a reply") as stream:
        types = [event.type async for event in stream]
        final = await stream.get_final_response()
    assert types[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert types[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert final.output_text == "Simulated reply from gpt-5.3-codex to: stream a reply"
    assert final.usage is not None and final.usage.total_tokens > 0


async def test_raw_responses_stream_has_event_lines_sequence_numbers_and_no_done(
    server: SimulatedServer, http: aiohttp.ClientSession
) -> None:
    body = {"model": "m", "input": "hi", "stream": True}
    async with http.post(server.base_url + "/responses", json=body) as resp:
        raw = (await resp.read()).decode()
    blocks = [b for b in raw.split("\n\n") if b]
    events = []
    for block in blocks:
        event_line, data_line = block.split("\n")
        event = json.loads(data_line.removeprefix("data: "))
        assert event_line == f"event: {event['type']}"
        events.append(event)
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    assert "[DONE]" not in raw
    assert events[-1]["type"] == "response.completed" and events[-1]["response"]["usage"]["total_tokens"] > 0


async def test_every_reply_is_marked_simulated_with_a_request_id(
    server: SimulatedServer, http: aiohttp.ClientSession
) -> None:
    for path, body in [
        ("/responses", {"model": "m", "input": "x"}),
        ("/chat/completions", {"model": "m", "messages": [{"role": "user", "content": "x"}]}),
        ("/responses", {"model": "m", "input": "x"}),
    ]:
        async with http.post(server.base_url + path, json=body, headers={"x-laneway-sim-status": "503"}) as r:
            assert r.headers["x-laneway-simulated"] == "true"
            assert r.headers["x-request-id"].startswith("req_")


async def test_injected_429_carries_retry_after_and_openai_error_shape(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as caught:
        await client.responses.create(
            model="m",
            input="x",
            extra_headers={"x-laneway-sim-status": "429", "x-laneway-sim-retry-after": "1"},
        )
    assert caught.value.response.headers["retry-after"] == "1"
    assert caught.value.code == "rate_limit_exceeded"
    body: Any = caught.value.body
    assert set(body) == {"message", "type", "param", "code"}


async def test_script_is_played_in_order_then_replies_normally(http: aiohttp.ClientSession) -> None:
    async with SimulatedServer(SimulatedSettings(script=(429, 500))) as server:
        statuses = []
        for _ in range(3):
            async with http.post(server.base_url + "/responses", json={"model": "m", "input": "x"}) as r:
                statuses.append(r.status)
    assert statuses == [429, 500, 200]


async def test_fail_rate_is_reproducible_from_the_seed(http: aiohttp.ClientSession) -> None:
    async def run() -> list[int]:
        settings = SimulatedSettings(fail_rate=0.5, fail_statuses=(500, 503), seed=42)
        async with SimulatedServer(settings) as server:
            out = []
            for _ in range(20):
                async with http.post(server.base_url + "/responses", json={"model": "m", "input": "x"}) as r:
                    out.append(r.status)
            return out

    first, second = await run(), await run()
    assert first == second
    assert {200, 500} <= set(first) or {200, 503} <= set(first)


async def test_malformed_json_is_a_400_in_openai_shape(
    server: SimulatedServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(server.base_url + "/responses", data=b"{nope") as r:
        assert r.status == 400
        assert (await r.json())["error"]["type"] == "invalid_request_error"
    async with http.post(server.base_url + "/nope", json={}) as r:
        assert r.status == 404
        assert "error" in await r.json()


async def test_tool_word_with_declared_tools_yields_a_codex_exec_call(client: openai.AsyncOpenAI) -> None:
    reply = await client.responses.create(
        model="m", input="please use a tool to list files", tools=[EXEC_TOOL]
    )  # type: ignore[list-item]
    call = reply.output[0]
    assert call.type == "function_call"
    assert call.name == "exec_command" and json.loads(call.arguments) == {"cmd": "echo laneway"}

    follow_up = await client.responses.create(
        model="m",
        tools=[EXEC_TOOL],  # type: ignore[list-item]
        input=[
            {"role": "user", "content": "please use a tool to list files"},
            {
                "type": "function_call",
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            },
            {"type": "function_call_output", "call_id": call.call_id, "output": "laneway"},
        ],
    )
    assert follow_up.output[0].type == "message" and follow_up.output_text


async def test_streamed_tool_call_for_chat_and_responses(client: openai.AsyncOpenAI) -> None:
    async with client.responses.stream(model="m", input="run a tool", tools=[EXEC_TOOL]) as stream:  # type: ignore[list-item]
        final = await stream.get_final_response()
    assert final.output[0].type == "function_call"

    chat_tool = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
    chunks = await client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "x"}],
        tools=[chat_tool],
        stream=True,  # type: ignore[list-item]
        extra_headers={"x-laneway-sim-tool-call": "lookup"},
    )
    calls = [
        c.choices[0].delta.tool_calls
        for c in [c async for c in chunks]
        if c.choices and c.choices[0].delta.tool_calls
    ]
    assert calls[0] is not None and calls[0][0].function is not None and calls[0][0].function.name == "lookup"


async def test_json_schema_format_gets_parseable_json(client: openai.AsyncOpenAI) -> None:
    reply = await client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "give json"}],
        response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
    )
    assert isinstance(json.loads(reply.choices[0].message.content or ""), dict)


async def test_midstream_failure_breaks_the_sdk_stream(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.APIError):
        async with client.responses.stream(
            model="m", input="x", extra_headers={"x-laneway-sim-midstream-fail": "1"}
        ) as stream:
            async for _ in stream:
                pass


async def test_captured_codex_request_gets_a_stream_codex_can_finish(
    server: SimulatedServer, http: aiohttp.ClientSession, codex_request: dict[str, Any]
) -> None:
    async with http.post(server.base_url + "/responses", json=codex_request) as resp:
        assert resp.status == 200
        events = [json.loads(d) for d in sse_data(await resp.read())]
    done_items = [e["item"] for e in events if e["type"] == "response.output_item.done"]
    assert done_items and done_items[0]["type"] in ("message", "function_call")
    completed = events[-1]
    assert completed["type"] == "response.completed" and completed["response"]["id"]
    assert completed["response"]["model"] == codex_request["model"]


async def test_codex_turn_with_a_tool_call_then_a_final_message(
    server: SimulatedServer, http: aiohttp.ClientSession, codex_request: dict[str, Any]
) -> None:
    body = {**codex_request, "input": [*codex_request["input"], {"role": "user", "content": "use a tool"}]}
    async with http.post(server.base_url + "/responses", json=body) as resp:
        events = [json.loads(d) for d in sse_data(await resp.read())]
    call = next(e["item"] for e in events if e["type"] == "response.output_item.done")
    assert call["type"] == "function_call" and call["name"] == "exec_command"
    assert json.loads(call["arguments"]) == {"cmd": "echo laneway"}

    output = {"type": "function_call_output", "call_id": call["call_id"], "output": "laneway\n"}
    body["input"] = [*body["input"], call, output]
    async with http.post(server.base_url + "/responses", json=body) as resp:
        events = [json.loads(d) for d in sse_data(await resp.read())]
    final = next(e["item"] for e in events if e["type"] == "response.output_item.done")
    assert final["type"] == "message" and final["content"][0]["text"]
