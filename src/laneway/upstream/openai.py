"""The OpenAI-compatible HTTP upstream: one pooled aiohttp session per provider deployment.

Connection handling, measured and read from aiohttp 3.14's source:

* one :class:`aiohttp.ClientSession` per :class:`OpenAIUpstream`, created lazily inside the running
  loop (an instance built at import or config time never touches a loop), closed by :meth:`aclose`;
* keep-alive pooling by :class:`aiohttp.TCPConnector` (``limit=pool_size`` for the whole pool);
* TCP_NODELAY: aiohttp's ``BaseProtocol.connection_made`` calls ``tcp_nodelay(transport, True)`` on
  every connection it opens (``aiohttp/base_protocol.py``), so no Nagle x delayed-ACK 40 ms quantum.

Timeouts: ``connect_timeout_s`` bounds the TCP connect (a slow connect is a connect failure),
``first_byte_timeout_s`` (or the request's own ``timeout_s``) bounds the wait for the response
headers, ``read_timeout_s`` bounds each gap between body reads once the body streams. Both read
bounds use aiohttp's own ``sock_read`` timer (armed once the request is sent, re-armed on every
read): the request goes out with ``sock_read`` = the first-byte bound, and once the headers are in,
the connection's read timeout becomes ``read_timeout_s``, the way aiohttp itself retunes it for
websockets. No extra ``asyncio.timeout`` per request (each cost ~8 us of timer churn on uvloop).

Per request, nothing is rebuilt that can be built once: the auth/content-type headers, the
timeouts (cached per first-byte bound), and no cookie jar (an API needs none; aiohttp's default jar
filters and stores cookies on every call).

Errors: before the first byte -> :class:`UpstreamConnectError` or
:class:`laneway.errors.UpstreamTimeoutError`; any HTTP status is *returned* (the gateway decides on
429/5xx); while reading the body -> :class:`UpstreamStreamError`.

The body is handed over decoded (aiohttp undoes ``content-encoding``), so the response's ``headers``
drop the entity and hop-by-hop headers that no longer describe those bytes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

import aiohttp

from laneway.errors import UpstreamTimeoutError
from laneway.upstream.base import (
    ENDPOINT_PATHS,
    UpstreamConnectError,
    UpstreamRequest,
    UpstreamStreamError,
)

#: Headers that describe the wire bytes, not the decoded body we hand on; never exposed.
_DROPPED_HEADERS = frozenset(
    {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}
)


class OpenAIResponse:
    """One upstream reply; the connection goes back to the pool (or is closed) on :meth:`aclose`."""

    __slots__ = ("_closed", "_resp", "_upstream", "headers", "status")

    def __init__(self, resp: aiohttp.ClientResponse, upstream: str) -> None:
        self._resp = resp
        self._upstream = upstream
        self._closed = False
        self.status: int = resp.status
        headers: dict[str, str] = {}
        for key, value in resp.headers.items():
            name = key.lower()
            if name not in _DROPPED_HEADERS:
                headers[name] = value
        self.headers: Mapping[str, str] = headers

    async def read(self) -> bytes:
        """The whole body; the connection is released afterwards."""
        try:
            return await self._resp.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise UpstreamStreamError(f"upstream {self._upstream}: body failed: {exc!r}") from exc
        finally:
            await self.aclose()

    async def chunks(self) -> AsyncIterator[bytes]:
        """Raw body bytes as they arrive (no re-framing, no buffering)."""
        try:
            async for data in self._resp.content.iter_any():
                yield data
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise UpstreamStreamError(f"upstream {self._upstream}: stream broke: {exc!r}") from exc
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Release the connection: back to the pool when the body was read, else closed."""
        if self._closed:
            return
        self._closed = True
        if self._resp.content.at_eof():
            self._resp.release()
        else:  # body not fully read (client went away): the connection cannot be reused
            self._resp.close()

    @property
    def closed(self) -> bool:
        return self._closed


class OpenAIUpstream:
    """An OpenAI-compatible provider deployment (``base_url`` ends in ``/v1``)."""

    #: ``send`` itself raises UpstreamTimeoutError when no headers came within the request's
    #: ``timeout_s``, so the dispatcher needs no timer of its own around a non-streamed send.
    bounds_first_byte = True

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        connect_timeout_s: float = 5.0,
        first_byte_timeout_s: float = 60.0,
        read_timeout_s: float = 300.0,
        pool_size: int = 100,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.connect_timeout_s = connect_timeout_s
        self.first_byte_timeout_s = first_byte_timeout_s
        self.read_timeout_s = read_timeout_s
        self.pool_size = pool_size
        self._headers: dict[str, str] = {k.lower(): v for k, v in (extra_headers or {}).items()}
        self._headers["authorization"] = f"Bearer {api_key}"
        self._headers["content-type"] = "application/json"
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}
        self._session: aiohttp.ClientSession | None = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.pool_size, limit_per_host=0, keepalive_timeout=30.0)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout(self.read_timeout_s),
                auto_decompress=True,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    def _timeout(self, sock_read_s: float) -> aiohttp.ClientTimeout:
        timeout = self._timeouts.get(sock_read_s)
        if timeout is None:
            timeout = self._timeouts[sock_read_s] = aiohttp.ClientTimeout(
                total=None, sock_connect=self.connect_timeout_s, sock_read=sock_read_s
            )
        return timeout

    def _request_headers(self, request: UpstreamRequest) -> dict[str, str]:
        if not request.headers:
            return self._headers
        headers = {k.lower(): v for k, v in request.headers.items()}
        headers.update(self._headers)  # our auth and content-type always win
        return headers

    async def send(self, request: UpstreamRequest) -> OpenAIResponse:
        """POST the request; return the reply for any status once its headers arrived."""
        try:
            path = ENDPOINT_PATHS[request.endpoint]
        except KeyError:
            raise ValueError(f"unknown endpoint {request.endpoint!r}") from None
        url = self.base_url + path
        session = self._ensure_session()
        first_byte_s = request.timeout_s if request.timeout_s is not None else self.first_byte_timeout_s
        try:
            resp = await session.post(
                url, data=request.body, headers=self._request_headers(request),
                timeout=self._timeout(first_byte_s),
            )  # fmt: skip
        except aiohttp.ConnectionTimeoutError as exc:
            raise UpstreamConnectError(f"upstream {self.name}: connect timed out ({url})") from exc
        except TimeoutError as exc:  # ours (first byte) or aiohttp's sock_read before the headers
            raise UpstreamTimeoutError(
                f"upstream {self.name}: no response within {first_byte_s:g}s ({url})"
            ) from exc
        except aiohttp.ClientError as exc:  # refused, reset, DNS, disconnected before the headers
            raise UpstreamConnectError(f"upstream {self.name}: {exc!r} ({url})") from exc
        connection = resp.connection
        if connection is not None and connection.protocol is not None:
            connection.protocol.read_timeout = self.read_timeout_s  # the body: gaps between reads
            connection.protocol.start_timeout()  # re-arm the running timer with the new bound
        return OpenAIResponse(resp, self.name)

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def __aenter__(self) -> OpenAIUpstream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"OpenAIUpstream(name={self.name!r}, base_url={self.base_url!r})"
