"""OpenAIUpstream against the simulated upstream: statuses, failures before and after the first byte,
and connections freed when a consumer walks away."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest

from laneway.errors import UpstreamTimeoutError
from laneway.upstream.base import UpstreamConnectError, UpstreamRequest, UpstreamStreamError
from laneway.upstream.openai import OpenAIUpstream
from laneway.upstream.simulated import SimulatedServer, SimulatedSettings


def request(*, stream: bool = False, endpoint: str = "responses", **headers: str) -> UpstreamRequest:
    body = {"model": "gpt-5.4-mini", "stream": stream}
    body |= (
        {"input": "hello there"}
        if endpoint == "responses"
        else {"messages": [{"role": "user", "content": "hi"}]}
    )
    return UpstreamRequest(
        endpoint=endpoint,
        model="gpt-5.4-mini",
        body=json.dumps(body).encode(),
        stream=stream,
        headers=headers,
    )


@pytest.fixture
async def server() -> AsyncIterator[SimulatedServer]:
    async with SimulatedServer(SimulatedSettings(chunks=8)) as srv:
        yield srv


@pytest.fixture
async def upstream(server: SimulatedServer) -> AsyncIterator[OpenAIUpstream]:
    async with OpenAIUpstream(
        "sim", server.base_url, "sk-test", extra_headers={"x-extra": "1"}, pool_size=4
    ) as up:
        yield up


async def test_non_streamed_reply_is_read_whole(upstream: OpenAIUpstream, server: SimulatedServer) -> None:
    for endpoint in ("responses", "chat"):
        resp = await upstream.send(request(endpoint=endpoint))
        assert resp.status == 200
        assert resp.headers["x-laneway-simulated"] == "true"
        assert json.loads(await resp.read())["model"] == "gpt-5.4-mini"
    sent = server.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sk-test"
    assert sent.headers["x-extra"] == "1"
    assert sent.headers["content-type"] == "application/json"


async def test_streamed_reply_chunks_reassemble_into_the_full_sse_body(upstream: OpenAIUpstream) -> None:
    resp = await upstream.send(request(stream=True))
    body = b"".join([chunk async for chunk in resp.chunks()])
    assert body.startswith(b"event: response.created\n")
    assert body.rstrip().splitlines()[-2] == b"event: response.completed"


@pytest.mark.parametrize("status", [400, 429, 500, 503])
async def test_error_statuses_are_returned_with_headers_for_the_caller(
    upstream: OpenAIUpstream, status: int
) -> None:
    resp = await upstream.send(
        request(**{"x-laneway-sim-status": str(status), "x-laneway-sim-retry-after": "2"})
    )
    assert resp.status == status
    assert resp.headers["retry-after"] == "2"
    assert "error" in json.loads(await resp.read())


async def test_no_first_byte_in_time_raises_upstream_timeout(server: SimulatedServer) -> None:
    async with OpenAIUpstream("sim", server.base_url, "k", first_byte_timeout_s=0.2) as upstream:
        with pytest.raises(UpstreamTimeoutError):
            await upstream.send(request(**{"x-laneway-sim-latency-ms": "5000"}))


async def test_per_request_timeout_overrides_the_default(server: SimulatedServer) -> None:
    async with OpenAIUpstream("sim", server.base_url, "k", first_byte_timeout_s=60.0) as upstream:
        req = request(**{"x-laneway-sim-latency-ms": "5000"})
        hurried = UpstreamRequest(req.endpoint, req.model, req.body, req.stream, req.headers, timeout_s=0.2)
        with pytest.raises(UpstreamTimeoutError):
            await upstream.send(hurried)


async def test_the_first_byte_bound_does_not_cut_a_slow_stream_after_its_headers() -> None:
    """Chunks 0.4 s apart with a 0.25 s first-byte bound: the gaps fall under read_timeout_s."""
    async with (
        SimulatedServer(SimulatedSettings(chunks=3, inter_chunk_ms=400)) as server,
        OpenAIUpstream("sim", server.base_url, "k", first_byte_timeout_s=0.25, read_timeout_s=10) as up,
    ):
        resp = await up.send(request(stream=True))
        body = b"".join([chunk async for chunk in resp.chunks()])
        assert b"event: response.completed" in body


async def test_a_gap_longer_than_the_read_timeout_breaks_the_stream() -> None:
    async with (
        SimulatedServer(SimulatedSettings(chunks=3, inter_chunk_ms=600)) as server,
        OpenAIUpstream("sim", server.base_url, "k", first_byte_timeout_s=10, read_timeout_s=0.2) as up,
    ):
        resp = await up.send(request(stream=True))
        with pytest.raises(UpstreamStreamError):
            async for _chunk in resp.chunks():
                pass


async def test_connection_refused_raises_upstream_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with OpenAIUpstream("dead", f"http://127.0.0.1:{port}/v1", "k") as upstream:
        with pytest.raises(UpstreamConnectError):
            await upstream.send(request())


async def test_midstream_failure_raises_upstream_stream_error(upstream: OpenAIUpstream) -> None:
    resp = await upstream.send(request(stream=True, **{"x-laneway-sim-midstream-fail": "1"}))
    assert resp.status == 200
    seen = b""
    with pytest.raises(UpstreamStreamError):
        async for chunk in resp.chunks():
            seen += chunk
    assert b"response.created" in seen and b"response.completed" not in seen


async def test_truncated_non_streamed_body_raises_upstream_stream_error(upstream: OpenAIUpstream) -> None:
    resp = await upstream.send(request(**{"x-laneway-sim-midstream-fail": "1"}))
    with pytest.raises(UpstreamStreamError):
        await resp.read()


async def test_pool_connections_are_reused_for_sequential_requests(
    upstream: OpenAIUpstream, server: SimulatedServer
) -> None:
    for _ in range(20):
        resp = await upstream.send(request(stream=True))
        async for _chunk in resp.chunks():
            pass
    assert server.open_connections() == 1


async def test_cancelled_streams_free_their_connections_under_churn() -> None:
    settings = SimulatedSettings(chunks=2000, inter_chunk_ms=50)  # streams outlive the test
    async with (
        SimulatedServer(settings) as server,
        OpenAIUpstream("sim", server.base_url, "k", pool_size=4) as up,
    ):
        first_chunk = asyncio.Event()
        kept: list[object] = []  # the gateway may hold replies (logs, contexts): no GC rescue

        async def client_that_goes_away() -> None:
            resp = await up.send(request(stream=True))
            kept.append(resp)
            try:
                async for _chunk in resp.chunks():
                    first_chunk.set()
                    await asyncio.sleep(3600)  # a slow client, cancelled below (a disconnect)
            finally:
                await resp.aclose()

        for _ in range(50):  # 50 rounds x 4 = 200 streams, each cancelled after its first chunk
            first_chunk.clear()
            tasks = [asyncio.create_task(client_that_goes_away()) for _ in range(4)]
            await first_chunk.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        # Leaked connections would exhaust the 4-connection pool and these would never complete.
        async with asyncio.timeout(20):  # a hang detector, not a timing assertion
            replies = await asyncio.gather(*(up.send(request()) for _ in range(8)))
            bodies = [await r.read() for r in replies]
        assert all(json.loads(b)["status"] == "completed" for b in bodies)
        assert server.open_connections() <= 4


async def test_abandoned_iteration_is_released_by_aclose() -> None:
    async with (
        SimulatedServer(SimulatedSettings(chunks=2000, inter_chunk_ms=50)) as server,
        OpenAIUpstream("sim", server.base_url, "k", pool_size=4) as upstream,
    ):
        kept = []
        for _ in range(10):  # more than the pool of 4
            resp = await upstream.send(request(stream=True))
            kept.append(resp)
            async for _chunk in resp.chunks():
                break
            await resp.aclose()
        async with asyncio.timeout(20):  # a hang detector, not a timing assertion
            resp = await upstream.send(request())
        assert resp.status == 200
        await resp.read()


async def test_session_is_created_lazily_and_closed(server: SimulatedServer) -> None:
    upstream = OpenAIUpstream("sim", server.base_url, "k")
    assert repr(upstream).startswith("OpenAIUpstream(")
    await upstream.aclose()  # never used: nothing to close
    resp = await upstream.send(request())
    await resp.read()
    await upstream.aclose()
