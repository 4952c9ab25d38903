"""Fakes for gateway tests: a scriptable upstream (statuses, timeouts, broken streams), a manual
clock, and a harness that builds an app and talks to it in-process over ASGI."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx
import pytest

from laneway.config import parse_config
from laneway.errors import UpstreamTimeoutError
from laneway.gateway.app import GatewayApp, create_app
from laneway.gateway.state import Clocks
from laneway.ledger.base import SpendLedger
from laneway.ledger.memory import MemoryLedger
from laneway.upstream import simreplies as sr
from laneway.upstream.base import UpstreamConnectError, UpstreamRequest, UpstreamStreamError

MINI = "gpt-5.4-mini"
CODEX = "gpt-5.3-codex"


@dataclass
class Step:
    """One scripted upstream answer."""

    kind: str = "ok"  # ok | status | timeout | connect | hang | midstream | text
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None  # "text": reply with exactly this text
    tool_args: str | None = None  # reply with a tool call with these arguments
    raw: bytes | None = None  # reply 200 with exactly these bytes


class FakeResponse:
    def __init__(
        self, status: int, headers: Mapping[str, str], parts: list[bytes], *, fail_after: int | None = None
    ) -> None:
        self.status = status
        self.headers = dict(headers)
        self._parts = parts
        self._fail_after = fail_after
        self.closed = False

    async def read(self) -> bytes:
        self.closed = True
        return b"".join(self._parts)

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            for i, part in enumerate(self._parts):
                if self._fail_after is not None and i >= self._fail_after:
                    raise UpstreamStreamError("connection reset mid-stream")
                yield part
                await asyncio.sleep(0)
        finally:
            self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def reply_parts(request: UpstreamRequest, step: Step) -> list[bytes]:
    body = json.loads(request.body)
    endpoint = request.endpoint
    tool = sr.ToolCall("exec_command", step.tool_args, "call_1") if step.tool_args is not None else None
    text = step.text if step.text is not None else f"reply from {request.model}"
    usage = sr.SimUsage(100, 40, 20, 5)
    reply = sr.Reply(request.model, "" if tool else text, tool, usage, 1)
    if not request.stream:
        obj = (
            sr.chat_completion(reply, "chatcmpl_1")
            if endpoint == "chat"
            else sr.response_object(body, reply, "resp_1", "msg_1", done=True)
        )
        return [json.dumps(obj).encode()]
    if endpoint == "chat":
        opts = body.get("stream_options") or {}
        return list(sr.chat_chunks(reply, "chatcmpl_1", 3, bool(opts.get("include_usage"))))
    return [sr.sse_event(e, i) for i, e in enumerate(sr.response_events(body, reply, "resp_1", 3))]


class FakeUpstream:
    def __init__(self, name: str, *steps: Step) -> None:
        self.name = name
        self.script: deque[Step] = deque(steps)
        self.requests: list[UpstreamRequest] = []
        self.responses: list[FakeResponse] = []
        self.closed = False

    def push(self, *steps: Step) -> None:
        self.script.extend(steps)

    async def send(self, request: UpstreamRequest) -> FakeResponse:
        self.requests.append(request)
        step = self.script.popleft() if self.script else Step()
        if step.kind == "timeout":
            raise UpstreamTimeoutError(f"{self.name}: no response")
        if step.kind == "connect":
            raise UpstreamConnectError(f"{self.name}: connection refused")
        if step.kind == "hang":
            await asyncio.sleep(3600)
        if step.raw is not None:
            resp = FakeResponse(200, step.headers, [step.raw])
        elif step.kind == "status":
            body = json.dumps(sr.error_body(step.status, f"fake {step.status}")).encode()
            resp = FakeResponse(step.status, step.headers, [body])
        else:
            parts = reply_parts(request, step)
            fail_after = len(parts) // 2 if step.kind == "midstream" else None
            resp = FakeResponse(
                200, {"x-laneway-simulated": "true", **step.headers}, parts, fail_after=fail_after
            )
        self.responses.append(resp)
        return resp

    async def aclose(self) -> None:
        self.closed = True


class ManualClock:
    """Monotonic time that only moves when a test (or a backoff sleep) moves it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@dataclass
class Harness:
    app: GatewayApp
    client: httpx.AsyncClient
    mini: FakeUpstream
    codex: FakeUpstream
    ledger: SpendLedger
    clock: ManualClock
    Step: ClassVar[type[Step]] = Step

    async def rows(self) -> list[Any]:
        return list(await self.ledger.rows())

    async def chat(
        self,
        content: str = "hello",
        *,
        model: str = "laneway/auto",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body = {"model": model, "messages": [{"role": "user", "content": content}], **extra}
        return await self.client.post("/v1/chat/completions", json=body, headers=headers or {})

    async def responses(
        self,
        text: str = "hello",
        *,
        model: str = "laneway/auto",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body = {"model": model, "input": text, **extra}
        return await self.client.post("/v1/responses", json=body, headers=headers or {})


def make_config(**sections: Any) -> Any:
    data: dict[str, Any] = {
        "providers": [
            {"name": "p-mini", "models": [MINI], "api_key_env": None},
            {"name": "p-codex", "models": [CODEX], "api_key_env": None},
        ],
        "ledger": {"path": ":memory:"},
        "retry": {"max_attempts": 2, "cooldown_failures": 100},
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    return parse_config(data)


@pytest.fixture
async def make_harness() -> AsyncIterator[Any]:
    made: list[Harness] = []

    async def make(*, ledger: SpendLedger | None = None, **sections: Any) -> Harness:
        """A started gateway on fake upstreams; ``ledger`` replaces the in-memory one."""
        clock = ManualClock()
        mini, codex = FakeUpstream("p-mini"), FakeUpstream("p-codex")
        ledger = ledger or MemoryLedger()
        app = create_app(
            make_config(**sections),
            ledger=ledger,
            upstreams={"p-mini": mini, "p-codex": codex},
            clocks=Clocks(monotonic=clock, sleep=clock.sleep),
            env={},
        )
        await app.startup()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://laneway")
        harness = Harness(app, client, mini, codex, ledger, clock)
        made.append(harness)
        return harness

    yield make
    for h in made:
        await h.client.aclose()
        await h.app.shutdown()


#: A prompt the engine routes to gpt-5.4-mini (routine lane), and one forced to codex.
ROUTINE = {"model": "laneway/routine"}
TERMINAL = {"model": "laneway/terminal"}
