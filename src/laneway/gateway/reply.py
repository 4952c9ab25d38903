"""One reply to one client: the ASGI ``send`` side with laneway's headers and the overhead clock.

Every reply carries ``x-request-id`` and ``x-laneway-overhead-ms`` (time spent in laneway itself
until the headers left, upstream wait excluded); routed replies add the decision headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from laneway.errors import HTTPError
from laneway.gateway.accounting import Exchange
from laneway.gateway.http import JSON_TYPE, Headers, Receive, Send, error_body, error_headers, header_value

#: Upstream reply headers worth passing on to the client.
#: Not ``openai-model``: Codex reads a served model that differs from the requested alias as a
#: safety reroute and warns the user about their account (x-laneway-model says what served).
_PASSED_HEADERS = ("x-laneway-simulated", "openai-processing-ms")
_PASSED_PREFIX = "x-ratelimit-"
#: A request still running this long after it began gets a disconnect watch (see DisconnectWatch).
WATCH_AFTER_S = 0.02


def decision_headers(exchange: Exchange) -> Headers:
    if not exchange.decision_id:
        return []
    return [
        (b"x-laneway-lane", header_value(exchange.lane)),
        (b"x-laneway-model", header_value(exchange.model_served or "")),
        (b"x-laneway-confidence", f"{exchange.confidence:.2f}".encode()),
        (b"x-laneway-reason", header_value(exchange.reasons)),
        (b"x-laneway-decision-id", exchange.decision_id.encode()),
    ]


def upstream_headers(headers: Mapping[str, str]) -> Headers:
    out: Headers = [
        (name.encode(), header_value(headers[name], 200)) for name in _PASSED_HEADERS if name in headers
    ]
    upstream_id = headers.get("x-request-id")
    if upstream_id:
        out.append((b"x-upstream-request-id", header_value(upstream_id, 200)))
    out.extend((k.encode(), header_value(v, 200)) for k, v in headers.items() if k.startswith(_PASSED_PREFIX))
    return out


class Reply:
    """Tracks whether the response started/finished and whether the client went away."""

    __slots__ = ("_clock", "_send", "complete", "exchange", "gone", "rate_headers", "started")

    def __init__(self, send: Send, exchange: Exchange, clock: Callable[[], float]) -> None:
        self._send = send
        self._clock = clock
        self.exchange = exchange
        self.started = False
        self.complete = False
        self.gone = False  # set by the disconnect watcher
        #: Admission's ``x-ratelimit-*`` for a successful reply (they replace upstream's by name).
        self.rate_headers: Headers = []

    def _base(self) -> Headers:
        ex = self.exchange
        overhead_ms = ex.overhead_s(self._clock()) * 1000.0
        return [
            (b"x-request-id", ex.request_id.encode()),
            (b"x-laneway-overhead-ms", f"{overhead_ms:.3f}".encode()),
            *decision_headers(ex),
        ]

    async def start(self, status: int, headers: Headers) -> None:
        self.exchange.http_status = status
        self.started = True
        if self.rate_headers and status < 300:
            if any(name.startswith(b"x-ratelimit-") for name, _ in headers):  # upstream's own
                names = {name for name, _ in self.rate_headers}
                headers = [h for h in headers if h[0] not in names]
            headers = [*headers, *self.rate_headers]
        message = {"type": "http.response.start", "status": status, "headers": [*self._base(), *headers]}
        await self._send(message)

    async def body(self, chunk: bytes, *, more: bool) -> None:
        started = self._clock()
        try:
            await self._send({"type": "http.response.body", "body": chunk, "more_body": more})
        finally:
            self.exchange.client_wait_s += self._clock() - started
        if not more:
            self.complete = True

    async def whole(self, status: int, body: bytes, headers: Headers) -> None:
        await self.start(status, [*headers, (b"content-length", str(len(body)).encode())])
        await self.body(body, more=False)

    async def json(self, status: int, body: bytes, headers: Headers | None = None) -> None:
        await self.whole(status, body, [JSON_TYPE, *(headers or [])])

    async def error(self, exc: HTTPError) -> None:
        await self.json(exc.status_code, error_body(exc), error_headers(exc))


class DisconnectWatch:
    """Cancels the request's task when its client goes away before the reply is complete.

    Noticing a disconnect means waiting on ``receive()``, which needs a task of its own; created
    and then cancelled for every request, that task cost ~15 us, while most replies are done in
    a few ms. So the watch starts only when the request is still running ``delay_s`` after it
    began (one loop timer, cancelled when the request ends first). A client that left earlier is
    seen as soon as the watch starts: the server keeps answering ``receive()`` with
    ``http.disconnect``. The upstream call is cancelled at most ``delay_s`` late.
    """

    __slots__ = ("_handle", "_receive", "_reply", "_task", "_watcher")

    def __init__(
        self,
        receive: Receive,
        reply: Reply,
        task: asyncio.Task[Any] | None,
        delay_s: float = WATCH_AFTER_S,
    ) -> None:
        self._receive = receive
        self._reply = reply
        self._task = task
        self._watcher: asyncio.Task[None] | None = None
        self._handle: asyncio.TimerHandle | None = (
            None if task is None else task.get_loop().call_later(delay_s, self._start)
        )

    def _start(self) -> None:
        self._handle = None
        if self._task is not None and not self._reply.complete:
            self._watcher = self._task.get_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                if not self._reply.complete and self._task is not None:
                    self._reply.gone = True
                    self._task.cancel()
                return

    def cancel(self) -> None:
        """The request is over: stop watching (or never start)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
