"""SSE passthrough: forward upstream events as they arrive, reading only the few that matter.

Events are split on their blank-line boundary and forwarded untouched, except that a Chat stream's
extra usage chunk (laneway always asks upstream for usage) is dropped when the client did not ask
for it. Only the events that carry usage or lifecycle are decoded. A failure after the first byte,
or an upstream that closes without its terminal event, ends the stream with a proper error event:
``response.failed`` for Responses, ``data: {"error": ...}`` then ``[DONE]`` for Chat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from laneway.cost import Usage, usage_from_wire
from laneway.gateway.accounting import Exchange
from laneway.gateway.dispatch import Served
from laneway.gateway.http import SSE_HEADERS
from laneway.gateway.reply import Reply, upstream_headers
from laneway.gateway.rewrite import client_wants_usage
from laneway.upstream.base import UpstreamStreamError

Clock = Callable[[], float]

_decode = msgspec.json.Decoder()
_encode = msgspec.json.Encoder()

DONE = b"data: [DONE]\n\n"
_USAGE_NULLS = (b',"usage":null', b', "usage": null')
_RESPONSES_TERMINAL = (b"response.completed", b"response.failed", b"response.incomplete")


def event_data(event: bytes) -> bytes:
    """The ``data`` of one SSE event (multiple data lines joined with newlines)."""
    lines = [line[5:] for line in event.split(b"\n") if line.startswith(b"data:")]
    return b"\n".join(line[1:] if line.startswith(b" ") else line for line in lines)


def _json(event: bytes) -> dict[str, Any] | None:
    try:
        obj = _decode.decode(event_data(event))
    except msgspec.DecodeError:
        return None
    return obj if isinstance(obj, dict) else None


class SSESplitter:
    """Cuts a byte stream into whole SSE events (each ending in a blank line)."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        buf = self._buf + chunk if self._buf else chunk
        if b"\r" in buf:
            buf = buf.replace(b"\r\n", b"\n")
        events: list[bytes] = []
        start = 0
        while True:
            end = buf.find(b"\n\n", start)
            if end < 0:
                break
            events.append(buf[start : end + 2])
            start = end + 2
        self._buf = buf[start:]
        return events

    @property
    def pending(self) -> bytes:
        return self._buf


class StreamFilter:
    """Per-endpoint event handling; subclasses decide what to read, keep and drop."""

    def __init__(self) -> None:
        self.usage: Usage | None = None
        self.terminal = False  # the upstream sent its last event ([DONE] / response.completed...)
        self.upstream_error: str | None = None  # an error event the upstream sent itself
        self.deltas = 0  # content events seen (about one token each): usage of a cut stream
        self.events = 0

    def event(self, event: bytes) -> bytes | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def failure(self, message: str, code: str) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError


class ChatStreamFilter(StreamFilter):
    def __init__(self, *, client_wants_usage: bool) -> None:
        super().__init__()
        self.client_wants_usage = client_wants_usage

    def event(self, event: bytes) -> bytes | None:
        self.events += 1
        if event.startswith(DONE[:12]):
            self.terminal = True
            return event
        if b'"usage"' in event and not any(n in event for n in _USAGE_NULLS):
            obj = _json(event)
            usage = obj.get("usage") if obj is not None else None
            if isinstance(usage, dict):
                self.usage = usage_from_wire(usage)
                if not self.client_wants_usage and obj is not None and obj.get("choices") == []:
                    return None
        elif not self.client_wants_usage:
            for null in _USAGE_NULLS:
                event = event.replace(null, b"")
        if b'"delta"' in event:
            self.deltas += 1
        elif event.startswith(b'data: {"error"'):
            obj = _json(event)
            error = obj.get("error") if obj is not None else None
            self.upstream_error = str(error.get("message") if isinstance(error, dict) else error)
        return event

    def failure(self, message: str, code: str) -> bytes:
        error = {"message": message, "type": "server_error", "param": None, "code": code}
        return b"data: " + _encode.encode({"error": error}) + b"\n\n" + DONE


class ResponsesStreamFilter(StreamFilter):
    def __init__(self, *, model: str, request_id: str) -> None:
        super().__init__()
        self.model = model
        self.request_id = request_id
        self.snapshot: dict[str, Any] | None = None
        #: The ``response`` of ``response.completed`` when it carries the output (OpenAI's does):
        #: what verification reads once the stream is over.
        self.completed: dict[str, Any] | None = None

    def event(self, event: bytes) -> bytes | None:
        self.events += 1
        if b".delta" in event:
            self.deltas += 1
        elif self.snapshot is None and b"response.created" in event:
            obj = _json(event)
            response = obj.get("response") if obj is not None else None
            if isinstance(response, dict):
                self.snapshot = response
        elif any(t in event for t in _RESPONSES_TERMINAL):
            self._terminal(event)
        return event

    def _terminal(self, event: bytes) -> None:
        obj = _json(event)
        if obj is None or obj.get("type") not in (
            "response.completed",
            "response.failed",
            "response.incomplete",
        ):
            return
        self.terminal = True
        response = obj.get("response")
        if isinstance(response, dict):
            if isinstance(response.get("usage"), dict):
                self.usage = usage_from_wire(response["usage"])
            if obj["type"] == "response.completed" and isinstance(response.get("output"), list):
                self.completed = response
            if obj["type"] == "response.failed":
                error = response.get("error")
                self.upstream_error = str(error.get("message") if isinstance(error, dict) else error)

    def failure(self, message: str, code: str) -> bytes:
        response = dict(self.snapshot or {})
        response.setdefault("id", f"resp_{self.request_id}")
        response.setdefault("object", "response")
        response.setdefault("model", self.model)
        response.setdefault("output", [])
        response["status"] = "failed"
        response["error"] = {"code": code, "message": message}
        data = {"type": "response.failed", "sequence_number": self.events, "response": response}
        return b"event: response.failed\ndata: " + _encode.encode(data) + b"\n\n"


async def relay(
    reply: Reply, exchange: Exchange, served: Served, body: Mapping[str, Any], clock: Clock
) -> dict[str, Any] | None:
    """Forward an upstream SSE stream to the client event by event; settle usage and status.

    Returns the completed response of a Responses stream that ended well and carried its output
    (for verification after the fact), else ``None``.
    """
    flt: StreamFilter
    if exchange.endpoint == "chat":
        flt = ChatStreamFilter(client_wants_usage=client_wants_usage(body))
    else:
        flt = ResponsesStreamFilter(model=exchange.model_served or "", request_id=exchange.request_id)
    splitter = SSESplitter()
    await reply.start(200, [*SSE_HEADERS, *upstream_headers(served.response.headers)])
    failure: str | None = None
    try:
        failure = await _pump(reply, exchange, served, flt, splitter, clock)
    finally:
        await served.response.aclose()
        exchange.tokens_seen = flt.deltas
        if flt.usage is not None:
            exchange.usage = flt.usage
    if failure is None and splitter.pending.strip():
        out = flt.event(splitter.pending + b"\n\n")
        if out:
            await reply.body(out, more=True)
    if failure is None and not flt.terminal:
        failure = "upstream closed the stream before it was complete"
    if failure is not None:
        exchange.status, exchange.error = "upstream_error", failure
        exchange.usage = flt.usage or exchange.estimated_usage()
        await reply.body(
            flt.failure(f"Upstream failed mid-stream: {failure}", "upstream_stream_error"), more=False
        )
        return None
    if flt.upstream_error is not None:
        exchange.status, exchange.error = "upstream_error", flt.upstream_error
    await reply.body(b"", more=False)
    if flt.upstream_error is None and isinstance(flt, ResponsesStreamFilter):
        return flt.completed
    return None


async def _pump(
    reply: Reply, exchange: Exchange, served: Served, flt: StreamFilter, splitter: SSESplitter, clock: Clock
) -> str | None:
    """Copy chunks until the upstream ends; the failure message if it broke."""
    chunk = served.first_chunk
    rest = served.rest
    while True:
        out = [e for e in map(flt.event, splitter.feed(chunk)) if e is not None]
        if out:
            await reply.body(b"".join(out), more=True)
        exchange.tokens_seen = flt.deltas
        if rest is None:
            return None
        started = clock()
        try:
            chunk = await anext(rest)
        except StopAsyncIteration:
            return None
        except UpstreamStreamError as exc:
            return str(exc)
        finally:
            exchange.upstream_wait_s += clock() - started
