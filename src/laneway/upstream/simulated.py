"""The simulated OpenAI upstream: an aiohttp.web app with OpenAI's exact reply shapes.

Serves ``POST /v1/chat/completions``, ``POST /v1/responses`` (streamed and not) and ``GET /v1/models``
so demos, tests and benchmarks run on an offline machine. Every reply carries
``x-laneway-simulated: true`` and an ``x-request-id``.

Failure injection, from :class:`SimulatedSettings` (seeded, per server) or per request by header:

=================================  ======================================================
``x-laneway-sim-status: 429``      reply with that status and an OpenAI error body
``x-laneway-sim-retry-after: 1``   with it, a ``retry-after`` header (seconds)
``x-laneway-sim-midstream-fail: 1`` cut the connection half-way through the body
``x-laneway-sim-latency-ms: N``    wait N ms before the first byte
``x-laneway-sim-tool-call: NAME``  answer with a call to tool NAME
=================================  ======================================================

A ``script`` (``[429, 500, "ok", "midstream", "stall"]``) is played first, one entry per request.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from aiohttp import web

from laneway.upstream import simreplies as sr

#: Script entries: an HTTP status, or "ok", "midstream" (cut mid-body), "stall" (never answer).
ScriptStep = int | str

_ENDPOINTS = {"/v1/chat/completions": "chat", "/v1/responses": "responses"}
_MODELS = ("gpt-5.4-mini", "gpt-5.3-codex")


class SimulatedSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    latency_ms: float = 0.0  # before the first byte
    inter_chunk_ms: float = 0.0  # between stream events
    chunks: int = 4  # text deltas per streamed reply
    input_tokens: int | None = None  # None: ~request chars / 4
    output_tokens: int | None = None  # None: ~reply chars / 4 (reasoning added on top)
    reasoning_tokens: int = 0
    cached_fraction: float = 0.0  # share of input tokens reported as cached
    fail_rate: float = 0.0  # share of requests answered with one of fail_statuses
    fail_statuses: tuple[int, ...] = (429, 500, 503)
    retry_after_s: float | None = None  # retry-after on injected 429/503 replies
    midstream_fail_rate: float = 0.0  # share of replies cut half-way through the body
    script: tuple[ScriptStep, ...] = ()  # played first, one entry per request
    seed: int = 0


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    path: str
    headers: Mapping[str, str]  # lower-case names
    body: Any  # the decoded JSON body (None if it was not JSON)


class _SimState:
    """Mutable per-app state: the seeded Random, the script cursor and a request log."""

    def __init__(self, settings: SimulatedSettings) -> None:
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.script: deque[ScriptStep] = deque(settings.script)
        self.requests: deque[RecordedRequest] = deque(maxlen=10_000)

    def next_step(self, headers: Mapping[str, str]) -> tuple[int | None, bool, bool]:
        """(error status or None, cut mid-stream?, stall?) for the next request."""
        forced = headers.get("x-laneway-sim-status", "")
        if forced.isdigit() and int(forced) >= 400:
            return int(forced), False, False
        if headers.get("x-laneway-sim-midstream-fail") == "1":
            return None, True, False
        if self.script:
            step = self.script.popleft()
            if isinstance(step, int):
                return (step if step >= 400 else None), False, False
            return None, step == "midstream", step == "stall"
        s = self.settings
        if s.fail_rate and s.fail_statuses and self.rng.random() < s.fail_rate:
            return self.rng.choice(s.fail_statuses), False, False
        return None, bool(s.midstream_fail_rate and self.rng.random() < s.midstream_fail_rate), False


_STATE = web.AppKey("laneway_simulated", _SimState)


def _base_headers(model: str | None) -> dict[str, str]:
    headers = {"x-laneway-simulated": "true", "x-request-id": sr.new_id("req"), "openai-processing-ms": "0"}
    if model:
        headers["openai-model"] = model
    return headers


def _error(status: int, message: str, *, retry_after: str | None = None) -> web.Response:
    headers = _base_headers(None)
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return web.json_response(sr.error_body(status, message), status=status, headers=headers)


async def _handle(request: web.Request) -> web.StreamResponse:
    state = request.app[_STATE]
    endpoint = _ENDPOINTS[request.path]
    raw = await request.read()
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        body = None
    state.requests.append(RecordedRequest(request.path, headers, body))
    if not isinstance(body, dict):
        return _error(400, "We could not parse the JSON body of your request.")
    if not isinstance(body.get("model"), str):
        return _error(400, "you must provide a model parameter")
    if endpoint == "chat" and not body.get("messages"):
        return _error(400, "Missing required parameter: 'messages'.")

    status, midstream, stall = state.next_step(headers)
    settings = state.settings
    latency_ms = _float_header(headers, "x-laneway-sim-latency-ms", settings.latency_ms)
    if stall:
        latency_ms = 3_600_000.0
    if latency_ms > 0:
        await asyncio.sleep(latency_ms / 1000)
    if status is not None:
        retry_after = headers.get("x-laneway-sim-retry-after")
        if retry_after is None and settings.retry_after_s is not None and status in (429, 503):
            retry_after = f"{settings.retry_after_s:g}"
        return _error(status, f"Simulated upstream error (status {status}).", retry_after=retry_after)

    text, tool_call = sr.plan_reply(body, endpoint, headers.get("x-laneway-sim-tool-call"))
    usage = sr.usage_for(
        len(raw),
        len(text) + (len(tool_call.arguments) if tool_call else 0),
        input_tokens=settings.input_tokens,
        output_tokens=settings.output_tokens,
        reasoning_tokens=settings.reasoning_tokens,
        cached_fraction=settings.cached_fraction,
    )
    reply = sr.Reply(str(body["model"]), text, tool_call, usage, int(time.time()))
    if body.get("stream") is True:
        return await _stream(request, endpoint, body, reply, midstream)
    if endpoint == "chat":
        obj = sr.chat_completion(reply, sr.new_id("chatcmpl"))
    else:
        obj = sr.response_object(
            body, reply, sr.new_id("resp"), sr.new_id("fc" if tool_call else "msg"), done=True
        )
    payload = json.dumps(obj, separators=(",", ":")).encode()
    headers_out = _base_headers(reply.model)
    if not midstream:
        return web.Response(body=payload, content_type="application/json", headers=headers_out)
    resp = web.StreamResponse(headers=headers_out)
    resp.content_type = "application/json"
    resp.content_length = len(payload)
    await resp.prepare(request)
    await resp.write(payload[: len(payload) // 2])
    _cut(request)
    return resp


async def _stream(
    request: web.Request, endpoint: str, body: Mapping[str, Any], reply: sr.Reply, midstream: bool
) -> web.StreamResponse:
    settings = request.app[_STATE].settings
    if endpoint == "chat":
        options = body.get("stream_options")
        include_usage = isinstance(options, Mapping) and options.get("include_usage") is True
        events = list(sr.chat_chunks(reply, sr.new_id("chatcmpl"), settings.chunks, include_usage))
    else:
        events = [
            sr.sse_event(event, seq)
            for seq, event in enumerate(sr.response_events(body, reply, sr.new_id("resp"), settings.chunks))
        ]
    resp = web.StreamResponse(headers={**_base_headers(reply.model), "cache-control": "no-cache"})
    resp.content_type = "text/event-stream"
    await resp.prepare(request)
    cut_at = len(events) // 2 if midstream else len(events)
    for i, event in enumerate(events[:cut_at]):
        if i and settings.inter_chunk_ms > 0:
            await asyncio.sleep(settings.inter_chunk_ms / 1000)
        await resp.write(event)
    if midstream:
        _cut(request)
        return resp
    await resp.write_eof()
    return resp


def _float_header(headers: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(headers[name])
    except (KeyError, ValueError):
        return default


def _cut(request: web.Request) -> None:
    """Drop the connection without finishing the body: the client sees a broken stream."""
    transport = request.transport
    if transport is not None:
        transport.abort()


async def _models(request: web.Request) -> web.Response:
    data = [{"id": m, "object": "model", "created": 0, "owned_by": "laneway-simulated"} for m in _MODELS]
    return web.json_response({"object": "list", "data": data}, headers=_base_headers(None))


@web.middleware
async def _openai_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Render aiohttp's own 404/405 as OpenAI error bodies."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, f"{exc.reason}: {request.method} {request.path}")
    return response


def build_app(settings: SimulatedSettings | None = None) -> web.Application:
    app = web.Application(middlewares=[_openai_errors], client_max_size=64 * 1024 * 1024)
    app[_STATE] = _SimState(settings or SimulatedSettings())
    for path in _ENDPOINTS:
        app.router.add_post(path, _handle)
    app.router.add_get("/v1/models", _models)
    return app


class SimulatedServer:
    """Runs :func:`build_app` on ``host`` (an ephemeral port by default); ``base_url`` ends in /v1."""

    def __init__(
        self, settings: SimulatedSettings | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.settings = settings or SimulatedSettings()
        self.host = host
        self._port = port
        self.app = build_app(self.settings)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        if self._runner is not None:
            return
        runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> SimulatedServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}/v1"

    @property
    def requests(self) -> Sequence[RecordedRequest]:
        """Requests received so far, oldest first (the last 10,000)."""
        return list(self.app[_STATE].requests)

    def open_connections(self) -> int:
        """Client connections the server holds open right now (keep-alive ones included)."""
        if self._runner is None or self._runner.server is None:
            return 0
        return len(self._runner.server.connections)

    def push_script(self, *steps: ScriptStep) -> None:
        """Append steps to the script (played before any random failure injection)."""
        self.app[_STATE].script.extend(steps)
