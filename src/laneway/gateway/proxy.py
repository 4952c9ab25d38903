"""The proxy handler for ``POST /v1/chat/completions`` and ``POST /v1/responses``.

Authentication right after the body is read (401), one JSON decode of the body, a routing decision
admitted for the caller's key (403 / 429, spill), dispatch with retries/fallbacks (each fallback and
escalation admitted again), then either a streamed passthrough or a verified non-streamed reply;
every exchange settles into one ledger row and its reservation settles to the real cost, whatever
happens (errors, client gone, shutdown).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import msgspec

from laneway.cost import usage_from_wire
from laneway.errors import (
    BadRequestError,
    HTTPError,
    InternalError,
    LedgerUnavailableError,
    ServerOverloadedError,
    UpstreamError,
    UpstreamUnavailableError,
)
from laneway.gateway.accounting import Exchange, price, settle
from laneway.gateway.auth import RequestAdmission
from laneway.gateway.deployments import Deployment
from laneway.gateway.dispatch import BuildRequest, Served
from laneway.gateway.http import ClientGone, Receive, Scope, Send, read_body, request_headers, send_error
from laneway.gateway.reply import DisconnectWatch, Reply, upstream_headers
from laneway.gateway.rewrite import UpstreamBody, client_wants_usage
from laneway.gateway.routing import Route, new_id
from laneway.gateway.state import GatewayState, Runtime
from laneway.gateway.stream import relay
from laneway.gateway.verify import verify_reply
from laneway.ledger.base import LedgerClosedError
from laneway.upstream.base import UpstreamRequest, UpstreamStreamError

log = logging.getLogger("laneway.gateway")
_decode = msgspec.json.Decoder()
#: Client headers forwarded upstream (failure injection for the simulated upstream, beta flags).
_FORWARD = ("openai-beta", "session_id", "session-id", "x-client-request-id")
_FORWARD_PREFIX = "x-laneway-sim-"


def decode_request(raw: bytes) -> dict[str, Any]:
    try:
        body = _decode.decode(raw)
    except msgspec.DecodeError:
        raise BadRequestError(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
            "using your HTTP library correctly. The OpenAI API expects a JSON payload.)"
        ) from None
    if not isinstance(body, dict):
        raise BadRequestError("The request body must be a JSON object.")
    model = body.get("model")
    if model is None:
        raise BadRequestError("you must provide a model parameter", param="model")
    if not isinstance(model, str) or not model:
        raise BadRequestError("'model' must be a non-empty string", param="model", code="invalid_type")
    return body


def forward_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k in _FORWARD or k.startswith(_FORWARD_PREFIX)}


class ProxyHandler:
    def __init__(self, state: GatewayState) -> None:
        self.state = state
        self.max_in_flight = state.config.server.max_in_flight or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send, endpoint: str) -> None:
        st = self.state
        if self.max_in_flight is not None and st.metrics.in_flight.value >= self.max_in_flight:
            await self._overloaded(send, endpoint)
            return
        ex = Exchange(
            request_id=new_id("req_"), ts=st.clocks.wall(), start=st.clocks.monotonic(),
            endpoint=endpoint, mode=st.config.server.routing,
        )  # fmt: skip
        reply = Reply(send, ex, st.clocks.monotonic)
        headers = request_headers(scope)
        watcher: DisconnectWatch | None = None
        admitted: RequestAdmission | None = None
        st.metrics.in_flight.inc()
        try:
            raw = await read_body(receive, st.config.server.max_body_bytes, headers.get("content-length"))
            runtime = self._runtime()
            admitted = await RequestAdmission.authenticate(runtime.admission, headers.get("authorization"))
            self._check_ledger(ex)  # after auth: a caller without a key learns nothing about the ledger
            ex.key_id = admitted.key_id
            watcher = DisconnectWatch(receive, reply, asyncio.current_task())
            await self._serve(raw, headers, reply, ex, runtime, admitted)
        except HTTPError as exc:
            await self._fail(reply, ex, exc)
        except ClientGone:
            _cancelled(ex)
        except asyncio.CancelledError:
            _cancelled(ex)
            task = asyncio.current_task()
            if not reply.gone or task is None:
                raise  # the server is stopping this task: let it go
            task.uncancel()
        except Exception:  # a bug: the client gets a 500 without a traceback; the log gets it
            log.exception("request %s failed", ex.request_id)
            await self._fail(
                reply, ex, InternalError("The server had an error while processing your request.")
            )
        finally:
            if watcher is not None:
                watcher.cancel()
            st.metrics.in_flight.dec()
            self._settle(ex)
            if admitted is not None and admitted.pending:
                if admitted.settles_inline:
                    await admitted.close(ex)  # never suspends: nothing can cancel it half-way
                else:  # shielded: a second cancel must not leak the reservation
                    await asyncio.shield(admitted.close(ex))

    async def _overloaded(self, send: Send, endpoint: str) -> None:
        """Refused before any work (no body read, no ledger row: that would add to the load)."""
        self.state.metrics.requests.labels(endpoint, "unrouted", "none", "overloaded").inc()
        exc = ServerOverloadedError(
            f"laneway is serving {self.max_in_flight} requests, its limit (server.max_in_flight); "
            "try again shortly"
        )
        await send_error(send, exc, [(b"x-request-id", new_id("req_").encode())])

    async def _fail(self, reply: Reply, ex: Exchange, exc: HTTPError) -> None:
        ex.status = "upstream_error" if isinstance(exc, UpstreamError) else "error"
        ex.http_status = exc.status_code
        ex.error = exc.message
        if not reply.started and not reply.gone:
            await reply.error(exc)

    def _settle(self, ex: Exchange) -> None:
        st = self.state
        try:
            settle(ex, st.clocks.monotonic(), catalog=st.engine.catalog, ledger=st.ledger, metrics=st.metrics)
        except LedgerClosedError:
            log.error("ledger closed: row for request %s lost", ex.request_id)

    def _runtime(self) -> Runtime:
        runtime = self.state.runtime
        if runtime is None:
            raise UpstreamUnavailableError("laneway is starting or stopping; try again")
        return runtime

    def _check_ledger(self, ex: Exchange) -> None:
        if self.state.ledger.full:
            ex.recorded = False
            raise LedgerUnavailableError(
                "laneway cannot record spend right now (its ledger store is failing and the backlog "
                "is full); try again shortly"
            )

    async def _serve(
        self,
        raw: bytes,
        headers: dict[str, str],
        reply: Reply,
        ex: Exchange,
        runtime: Runtime,
        admitted: RequestAdmission,
    ) -> None:
        body = decode_request(raw)
        model: str = body["model"]
        ex.model_requested = model
        ex.stream = body.get("stream") is True
        if not runtime.router.is_routed(model):
            admitted.check_requested(model)
        route = await runtime.router.route(body, ex.endpoint, headers, exclude=admitted.exclude)
        route = await admitted.admit(route, runtime.router)
        _record_route(ex, route)
        ex.estimated_input_tokens = route.profile.estimated_input_tokens
        drop = self._drop_tool_types(route)
        ask_usage = ex.stream and ex.endpoint == "chat" and not client_wants_usage(body)
        upstream_body = UpstreamBody(body, raw, ask_usage=ask_usage, drop_tool_types=drop)
        fwd = forward_headers(headers)

        def build(dep: Deployment) -> UpstreamRequest:
            return UpstreamRequest(
                ex.endpoint, dep.upstream_model, upstream_body.for_model(dep.upstream_model),
                ex.stream, fwd, dep.first_byte_timeout_s,
            )  # fmt: skip

        served = await runtime.dispatcher.send(
            ex, route.chain, build, stream=ex.stream, before_fallback=admitted.fallback
        )
        await self._after_dispatch(ex, route, served)
        reply.rate_headers = admitted.rate_headers()
        if served.response.status >= 300:
            await self._passthrough_error(reply, ex, served)
        elif ex.stream:
            completed = await relay(reply, ex, served, body, self.state.clocks.monotonic)
            if completed is not None:
                await self._verify_streamed(ex, route, completed)
        else:
            await self._complete(reply, ex, route, served, build, admitted)

    def _drop_tool_types(self, route: Route) -> frozenset[str]:
        stripped = route.decision.stripped_tools if route.decision is not None else ()
        if not stripped:
            return frozenset()
        index = self.state.engine.hosted_index
        return frozenset(t for t, name in index.items() if name in stripped)

    async def _after_dispatch(self, ex: Exchange, route: Route, served: Served) -> None:
        """Note a fallback; a mini that failed upstream escalates its session (sticky)."""
        model = served.deployment.model
        ex.model_served = model
        if model == route.model:
            return
        ex.reasons += f"; fell back from {route.model} to {model}: {served.last_failure}"
        target = self.state.engine.settings.escalation_model
        if model != target or route.decision is None:
            return
        cause = f"upstream failure after retries ({served.last_failure})"
        ex.escalated, ex.escalation_cause = True, cause
        self.state.metrics.escalations.labels("upstream_failure").inc()
        key = route.profile.session_key
        if key and self.state.config.sessions.escalate_on_upstream_failure:
            await self.state.session_store.escalate(key, target, cause)

    async def _read(self, ex: Exchange, served: Served) -> bytes:
        clocks = self.state.clocks
        started = clocks.monotonic()
        cpu = clocks.cpu if clocks.cpu is not None and self.state.metrics.in_flight.value <= 1 else None
        cpu_started = cpu() if cpu is not None else 0.0
        try:
            return await served.response.read()
        except UpstreamStreamError as exc:
            raise UpstreamError(f"Upstream reply broke before it was complete: {exc}") from exc
        finally:
            ex.waited(clocks.monotonic() - started, cpu() - cpu_started if cpu is not None else None)
            await served.response.aclose()

    async def _passthrough_error(self, reply: Reply, ex: Exchange, served: Served) -> None:
        """An upstream 4xx is the client's answer: pass it on with its status and body."""
        raw = await self._read(ex, served)
        ex.status, ex.error = "upstream_error", raw[:300].decode("utf-8", "replace")
        await reply.json(served.response.status, raw, upstream_headers(served.response.headers))

    async def _complete(
        self,
        reply: Reply,
        ex: Exchange,
        route: Route,
        served: Served,
        build: BuildRequest,
        admitted: RequestAdmission,
    ) -> None:
        raw = await self._read(ex, served)
        reply_body = _reply_json(raw)  # decoded once: usage, then verification
        ex.usage = usage_from_wire(reply_body.get("usage"))
        cause = self._verification_failure(ex, route, reply_body)
        if cause is not None:
            retried = await self._escalate_retry(ex, route, cause, build, admitted)
            if retried is not None:
                served, raw = retried
                reply.rate_headers = admitted.rate_headers()
        headers = upstream_headers(served.response.headers)
        cost = ex.prior_cost_usd + price(self.state.engine.catalog, ex.model_served, ex.usage)
        headers.append((b"x-laneway-cost-usd", f"{cost:.8f}".encode()))
        await reply.json(200, raw, headers)

    def _verification_failure(self, ex: Exchange, route: Route, reply_body: dict[str, Any]) -> str | None:
        st = self.state
        target = st.engine.settings.escalation_model
        runtime = self._runtime()
        if (
            route.decision is None
            or not st.config.sessions.escalate_on_verification
            or ex.model_served == target
            or target not in runtime.table
        ):
            return None
        return verify_reply(ex.endpoint, reply_body, json_schema=route.profile.json_schema)

    async def _verify_streamed(self, ex: Exchange, route: Route, completed: dict[str, Any]) -> None:
        """A streamed reply cannot be taken back: when it fails verification, the session escalates
        (sticky) so its next turns go to the escalation model; this turn's reply stands."""
        key = route.profile.session_key
        failure = self._verification_failure(ex, route, completed) if key else None
        if failure is None or key is None:
            return
        st = self.state
        target = st.engine.settings.escalation_model
        cause = f"verification failed on a streamed reply: {failure}"
        ex.reasons += f"; {cause}: the session escalates to {target} from its next turn"
        st.metrics.escalations.labels("verification").inc()
        await st.session_store.escalate(key, target, cause)

    async def _escalate_retry(
        self, ex: Exchange, route: Route, failure: str, build: BuildRequest, admitted: RequestAdmission
    ) -> tuple[Served, bytes] | None:
        """Escalate the session (sticky) and retry once on the escalation model, if the key may."""
        st = self.state
        target = st.engine.settings.escalation_model
        cause = f"verification failed: {failure}"
        first_model, first_usage = ex.model_served, ex.usage
        first_cost = price(st.engine.catalog, first_model, first_usage)
        refused = await admitted.escalate(
            target, cost_usd=first_cost, tokens=first_usage.input_tokens + first_usage.output_tokens
        )
        if refused is not None:  # the first reply stands; the session is not escalated
            ex.reasons += f"; escalation to {target} after {cause} not admitted: {refused}"
            return None
        ex.escalated, ex.escalation_cause = True, cause
        ex.reasons += f"; escalated to {target}: {cause}"
        st.metrics.escalations.labels("verification").inc()
        if route.profile.session_key:
            await st.session_store.escalate(route.profile.session_key, target, cause)
        try:
            served = await self._runtime().dispatcher.send(ex, (target,), build, stream=False)
            if served.response.status >= 300:
                await served.response.aclose()
                return None
            raw = await self._read(ex, served)
            usage = usage_from_wire(_reply_json(raw).get("usage"))
        except UpstreamError as exc:  # the first reply still stands; the session stays escalated
            ex.reasons += f"; escalation retry failed: {exc.message}"
            return None
        ex.prior_usage = first_usage
        ex.prior_cost_usd = first_cost
        ex.model_served, ex.usage = target, usage
        return served, raw


def _reply_json(raw: bytes) -> dict[str, Any]:
    try:
        obj = _decode.decode(raw)
    except msgspec.DecodeError:
        raise UpstreamError("Upstream replied with invalid JSON") from None
    if not isinstance(obj, dict):
        raise UpstreamError("Upstream replied with a JSON value that is not an object")
    return obj


def _record_route(ex: Exchange, route: Route) -> None:
    ex.session = route.profile.session_key
    ex.lane = route.lane
    ex.model_served = route.model
    ex.decision_id = route.decision_id
    ex.reasons = route.reason
    ex.confidence = route.confidence
    if route.escalation_cause is not None:
        ex.escalated, ex.escalation_cause = True, route.escalation_cause
    if route.shadow is not None:
        ex.shadow_lane, ex.shadow_model = route.shadow.lane.value, route.shadow.model


def _cancelled(ex: Exchange) -> None:
    ex.status = "cancelled"
    ex.http_status = 499
    if not ex.usage.input_tokens:
        ex.usage = ex.estimated_usage()
