"""Raw ASGI plumbing: reading a bounded body, sending JSON and error replies, header values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import msgspec

from laneway.errors import HTTPError, LanewayError, RequestTooLargeError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

JSON_TYPE = (b"content-type", b"application/json")
SSE_HEADERS: Headers = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]
#: Longest decision reason sent in a header (the full reasons are in the ledger).
MAX_HEADER_CHARS = 240


class ClientGone(LanewayError):
    """The client disconnected before the reply was complete."""


def header_value(text: str, limit: int = MAX_HEADER_CHARS) -> bytes:
    """``text`` made safe for an HTTP header: ASCII, one line, at most ``limit`` characters."""
    # Only a prefix can reach the header: when its words already run past ``limit``, the words
    # after it cannot change what is kept (a long decision reason: 1.5 us instead of 3).
    clean = " ".join(text[: limit + 16].split())
    if len(clean) <= limit and len(text) > limit + 16:
        clean = " ".join(text.split())
    if len(clean) > limit:
        clean = clean[: limit - 3] + "..."
    return clean.encode("ascii", "replace")


def request_headers(scope: Scope) -> dict[str, str]:
    """The request's headers with lower-case names (ASGI servers already lower-case them)."""
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _too_large(limit: int) -> RequestTooLargeError:
    return RequestTooLargeError(f"Request body is larger than the limit of {limit} bytes")


async def read_body(receive: Receive, limit: int, content_length: str | None) -> bytes:
    """The whole request body; :class:`RequestTooLargeError` past ``limit`` bytes."""
    if content_length is not None and content_length.isdigit() and int(content_length) > limit:
        raise _too_large(limit)
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone("client disconnected while sending the request")
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def error_body(exc: HTTPError) -> bytes:
    return msgspec.json.encode(exc.to_body())


def error_headers(exc: HTTPError) -> Headers:
    """``exc.headers`` (Retry-After, x-ratelimit-*), and ``retry-after: 1`` on a 429/503 without one."""
    extra = exc.headers
    out: Headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
    if exc.status_code in (429, 503) and "retry-after" not in extra:
        out.append((b"retry-after", b"1"))
    return out


async def send_bytes(send: Send, status: int, body: bytes, headers: Headers) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_error(send: Send, exc: HTTPError, headers: Headers) -> None:
    """Render ``exc`` as OpenAI's ``{"error": {...}}`` with its status."""
    body = error_body(exc)
    extra: Headers = [JSON_TYPE, (b"content-length", str(len(body)).encode()), *error_headers(exc)]
    await send_bytes(send, exc.status_code, body, [*headers, *extra])
