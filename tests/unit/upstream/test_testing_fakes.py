"""The fakes laneway ships for users' tests (laneway.testing)."""

from __future__ import annotations

import json

import pytest

from laneway.errors import UpstreamTimeoutError
from laneway.testing import ManualClock, ScriptedUpstream, SimulatedSettings
from laneway.upstream.base import UpstreamRequest, UpstreamStreamError


def req(*, stream: bool = False, timeout_s: float | None = None) -> UpstreamRequest:
    body = json.dumps({"model": "gpt-5.4-mini", "input": "hi", "stream": stream}).encode()
    return UpstreamRequest("responses", "gpt-5.4-mini", body, stream, timeout_s=timeout_s)


async def test_scripted_upstream_plays_its_script_then_replies_ok() -> None:
    async with ScriptedUpstream([429, 500, "ok"]) as fake, fake.client() as upstream:
        statuses = []
        for _ in range(4):
            resp = await upstream.send(req())
            statuses.append(resp.status)
            await resp.read()
    assert statuses == [429, 500, 200, 200]
    assert len(fake.requests) == 4


async def test_scripted_stall_and_midstream_steps() -> None:
    async with ScriptedUpstream(["stall", "midstream"]) as fake, fake.client() as upstream:
        with pytest.raises(UpstreamTimeoutError):
            await upstream.send(req(timeout_s=0.2))
        resp = await upstream.send(req(stream=True))
        with pytest.raises(UpstreamStreamError):
            async for _ in resp.chunks():
                pass


def test_scripted_upstream_rejects_unknown_steps() -> None:
    with pytest.raises(ValueError, match="explode"):
        ScriptedUpstream(["explode"])


async def test_scripted_upstream_keeps_other_settings() -> None:
    async with (
        ScriptedUpstream(["ok"], SimulatedSettings(input_tokens=77)) as fake,
        fake.client() as upstream,
    ):
        resp = await upstream.send(req())
        assert json.loads(await resp.read())["usage"]["input_tokens"] == 77


def test_manual_clock_moves_only_when_advanced() -> None:
    clock = ManualClock(start=100.0)
    assert clock.now() == clock() == 100.0
    clock.advance(2.5)
    assert clock.now() == 102.5
    with pytest.raises(ValueError):
        clock.advance(-1)
