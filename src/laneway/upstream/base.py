"""The Upstream protocol: one call to an OpenAI-compatible provider.

A provider raises :class:`UpstreamConnectError` / :class:`UpstreamTimeoutError` (from
``laneway.errors``) when it fails *before the first byte*; those, 429 and 5xx statuses are what the
gateway retries and falls back on. Once a response object is returned, its body is read with
``read()`` (non-streamed) or iterated with ``chunks()`` (streamed, raw bytes as they arrive); a
failure while reading raises :class:`UpstreamStreamError`. ``aclose()`` always releases the
connection (the gateway calls it when a client goes away).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from laneway.errors import UpstreamError

#: Gateway endpoint -> path under the provider's base_url (which ends in /v1).
ENDPOINT_PATHS = {"chat": "/chat/completions", "responses": "/responses"}


class UpstreamConnectError(UpstreamError):
    """Could not connect / send the request (before the first byte)."""

    status_code = 502
    code = "upstream_connect_error"


class UpstreamStreamError(UpstreamError):
    """The upstream failed after the first byte (mid-stream)."""

    status_code = 502
    code = "upstream_stream_error"


@dataclass(slots=True)  # not frozen: built per attempt, and frozen init costs ~0.25 us a field
class UpstreamRequest:
    endpoint: str  # "chat" | "responses"
    model: str  # the upstream model name to put in the body
    body: bytes  # the JSON body to send, already rewritten for this model
    stream: bool
    headers: Mapping[str, str] = field(default_factory=dict)  # extra headers to forward
    timeout_s: float | None = None  # time to first byte; None = provider default


class UpstreamResponse(Protocol):
    status: int
    headers: Mapping[str, str]  # lower-case names

    async def read(self) -> bytes: ...

    def chunks(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class Upstream(Protocol):
    """One provider deployment (a base_url + key), serving some catalog models."""

    name: str

    async def send(self, request: UpstreamRequest) -> UpstreamResponse: ...

    async def aclose(self) -> None: ...
