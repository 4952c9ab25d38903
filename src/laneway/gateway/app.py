"""The gateway as a plain ASGI app (no framework): routes, lifespan, the small endpoints.

``create_app(config)`` builds one app with its own state (engine, providers, ledger, sessions,
metrics). Run it with ``laneway serve`` (uvicorn, uvloop + httptools) or any ASGI server::

    granian --interface asgi --factory laneway.gateway.app:create_server_app

(with no arguments the factory reads ``LANEWAY_CONFIG``, ``LANEWAY_SIMULATE``,
``LANEWAY_CLASSIFIER`` and ``LANEWAY_HOST`` -- the bind address, which resolves ``auth.mode: auto``
-- from the environment).
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Mapping

import msgspec

from laneway.config import Config, load_config
from laneway.engine import Engine
from laneway.errors import HTTPError, NotFoundError, UpstreamUnavailableError
from laneway.gateway.admin import PREFIX as ADMIN_PREFIX
from laneway.gateway.admin import AdminHandler
from laneway.gateway.http import JSON_TYPE, Receive, Scope, Send, send_bytes, send_error
from laneway.gateway.providers import ProviderPool, resolve_providers
from laneway.gateway.proxy import ProxyHandler
from laneway.gateway.routing import new_id
from laneway.gateway.state import Clocks, GatewayState
from laneway.lanes.classifier import LaneClassifier
from laneway.lanes.lane import Lane
from laneway.ledger.base import SpendLedger
from laneway.ledger.factory import build_ledger
from laneway.upstream.base import Upstream

log = logging.getLogger("laneway.gateway")
#: Allocations between two young-generation collections in a serving process (CPython's default
#: is 700). A request allocates a few hundred tracked objects and 50 in flight keep theirs alive,
#: so at 700 every collection walked the in-flight requests again: ~4% of the instructions of a
#: request (callgrind, in-process, c=50). Cycles are still found, 10x less often.
GC_YOUNG_THRESHOLD = 7_000
_PROXY_PATHS = {
    "/v1/chat/completions": "chat", "/chat/completions": "chat",
    "/v1/responses": "responses", "/responses": "responses",
}  # fmt: skip


class MethodNotAllowedError(HTTPError):
    status_code = 405
    type = "invalid_request_error"
    code = "method_not_allowed"


class GatewayApp:
    """The ASGI callable; ``state`` holds everything this instance owns."""

    def __init__(self, state: GatewayState) -> None:
        self.state = state
        self.proxy = ProxyHandler(state)
        self._models = self._models_body()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            endpoint = _PROXY_PATHS.get(scope["path"])
            if endpoint is not None and scope["method"] == "POST":  # the hot path: one frame less
                await self.proxy(scope, receive, send, endpoint)  # to resume at every await
                return
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        endpoint = _PROXY_PATHS.get(path)
        if endpoint is not None:
            if method == "POST":
                await self.proxy(scope, receive, send, endpoint)
            else:
                await self._error(send, MethodNotAllowedError(f"Use POST for {path}"))
            return
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            await self._admin(scope, receive, send)
            return
        if method not in ("GET", "HEAD"):
            await self._error(send, NotFoundError(f"Invalid URL ({method} {path})", code="unknown_url"))
            return
        if path in ("/v1/models", "/models"):
            await self._json(send, 200, self._models)
        elif path.startswith(("/v1/models/", "/models/")):
            await self._model(send, path.split("/models/", 1)[1])
        elif path == "/health":
            await self._json(send, 200, b'{"status":"ok"}')
        elif path == "/ready":
            ready = self.state.ready
            await self._json(
                send, 200 if ready else 503, b'{"status":"%s"}' % (b"ready" if ready else b"starting")
            )
        elif path == "/metrics":
            body = self.state.metrics.render()
            await send_bytes(
                send, 200, body, [*self._base(), (b"content-type", self.state.metrics.content_type.encode())]
            )
        else:
            await self._error(send, NotFoundError(f"Invalid URL ({method} {path})", code="unknown_url"))

    async def _admin(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = self.state.runtime
        try:
            if runtime is None:
                raise UpstreamUnavailableError("laneway is starting or stopping; try again")
            await AdminHandler(runtime.admission)(scope, receive, send)
        except HTTPError as exc:
            await self._error(send, exc)

    def _base(self) -> list[tuple[bytes, bytes]]:
        return [(b"x-request-id", new_id("req_").encode()), (b"x-laneway-overhead-ms", b"0.000")]

    async def _json(self, send: Send, status: int, body: bytes) -> None:
        await send_bytes(
            send, status, body, [*self._base(), JSON_TYPE, (b"content-length", str(len(body)).encode())]
        )

    async def _error(self, send: Send, exc: HTTPError) -> None:
        await send_error(send, exc, self._base())

    def _model_entries(self) -> list[dict[str, object]]:
        catalog = self.state.engine.catalog
        entries: list[dict[str, object]] = [
            {"id": name, "object": "model", "created": 0, "owned_by": "openai"} for name in catalog.models
        ]
        aliases = [*self.state.config.server.auto_aliases, *(f"laneway/{lane.value}" for lane in Lane)]
        for alias in dict.fromkeys(["laneway/auto", *aliases]):
            entries.append({"id": alias, "object": "model", "created": 0, "owned_by": "laneway"})
        return entries

    def _models_body(self) -> bytes:
        return msgspec.json.encode({"object": "list", "data": self._model_entries()})

    async def _model(self, send: Send, model_id: str) -> None:
        for entry in self._model_entries():
            if entry["id"] == model_id:
                await self._json(send, 200, msgspec.json.encode(entry))
                return
        await self._error(
            send,
            NotFoundError(f"The model '{model_id}' does not exist", param="model", code="model_not_found"),
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    log.exception("laneway failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def startup(self) -> None:
        await self.state.start()
        if self.state.banner:
            log.warning(self.state.banner)

    async def shutdown(self) -> None:
        await self.state.stop()


def create_app(
    config: Config | None = None,
    *,
    engine: Engine | None = None,
    ledger: SpendLedger | None = None,
    upstreams: Mapping[str, Upstream] | None = None,
    clocks: Clocks | None = None,
    env: Mapping[str, str] | None = None,
    simulate: bool | None = None,
) -> GatewayApp:
    """Build one gateway app. With no arguments: ``LANEWAY_CONFIG`` / ``LANEWAY_SIMULATE`` env vars."""
    environ = os.environ if env is None else env
    if config is None:
        config = load_config(environ.get("LANEWAY_CONFIG") or None)
    if simulate is None:
        simulate = environ.get("LANEWAY_SIMULATE", "") not in ("", "0", "false")
    if engine is None:
        weights = environ.get("LANEWAY_CLASSIFIER")
        classifier = LaneClassifier.load(weights) if weights else None
        engine = Engine.from_config(config, classifier=classifier)
    providers, banner = resolve_providers(config, environ, simulate=simulate)
    pool = ProviderPool(providers, engine.catalog, dict(environ), injected=dict(upstreams or {}))
    state = GatewayState(
        config=config, engine=engine, ledger=ledger or build_ledger(config, environ), pool=pool,
        clocks=clocks or Clocks.real(), banner=banner, env=environ, host=environ.get("LANEWAY_HOST") or None,
    )  # fmt: skip
    return GatewayApp(state)


def create_server_app() -> GatewayApp:
    """:func:`create_app` for a process that serves nothing else (``laneway serve``, granian).

    Tunes the process's garbage collector once the app is built: everything loaded so far
    (modules, catalog, classifier weights) is frozen out of the collector's reach, so a full
    collection no longer walks it, and young collections run every ``GC_YOUNG_THRESHOLD``
    allocations. Not done by :func:`create_app`: tests and embedders build many apps in one
    process and keep the interpreter's defaults.
    """
    app = create_app()
    gc.collect()  # garbage of the build (and of ``laneway serve``'s fail-fast build) goes first
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, gen1, gen2)
    return app
