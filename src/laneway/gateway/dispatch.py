"""Dispatch: the attempt loop over deployments and candidate models.

For each candidate model in order (the decision's model, then its kept fallbacks) and each of its
deployments not cooling down, up to ``max_attempts`` tries with backoff (a server's Retry-After
wins; one longer than ``max_retry_after_s`` moves on at once). A 429, a 5xx, a connect error or a
timeout *before the first byte* fails over; any other status is the client's answer and is returned
as is. For a stream the first chunk is read here, so a stream that dies before its first byte still
fails over.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from laneway.config import RetrySettings
from laneway.errors import UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError
from laneway.gateway.accounting import Exchange
from laneway.gateway.deployments import Cooldowns, Deployment, DeploymentTable
from laneway.gateway.metrics import GatewayMetrics
from laneway.upstream.base import (
    UpstreamConnectError,
    UpstreamRequest,
    UpstreamResponse,
    UpstreamStreamError,
)
from laneway.upstream.retry import RetryPolicy, backoff_delays, is_retryable, parse_retry_after


@dataclass(slots=True)
class Served:
    response: UpstreamResponse
    deployment: Deployment
    first_chunk: bytes = b""  # streams: the first chunk, already read
    rest: AsyncIterator[bytes] | None = None  # streams: the chunks after it
    failed_models: list[str] = field(default_factory=list)
    last_failure: str | None = None


@dataclass(slots=True)
class _Failure:
    kind: str  # "status" | "timeout" | "connect" | "stream"
    detail: str
    status: int | None = None
    retry_after: str | None = None
    retry_after_ms: str | None = None


class _Failed(Exception):
    """One attempt failed in a way worth another try (internal to this module)."""

    def __init__(self, failure: _Failure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


BuildRequest = Callable[[Deployment], UpstreamRequest]
#: Called with the next model before a fallback to it: ``None`` to go ahead, or why it may not.
BeforeFallback = Callable[[str], Awaitable[str | None]]


class Dispatcher:
    def __init__(
        self,
        table: DeploymentTable,
        cooldowns: Cooldowns,
        retry: RetrySettings,
        metrics: GatewayMetrics,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
        rng: random.Random,
        cpu: Callable[[], float] | None = None,
    ) -> None:
        self.table = table
        self.cooldowns = cooldowns
        self.retry = retry
        self.policy = RetryPolicy(
            max_attempts=retry.max_attempts, base_delay_s=retry.backoff_base_s,
            max_delay_s=retry.backoff_max_s, max_retry_after_s=retry.max_retry_after_s,
        )  # fmt: skip
        self.metrics = metrics
        self.clock = clock
        self.sleep = sleep
        self.rng = rng
        self.cpu = cpu  # the loop thread's CPU clock: see Exchange.waited

    async def send(
        self,
        exchange: Exchange,
        models: Sequence[str],
        build: BuildRequest,
        *,
        stream: bool,
        before_fallback: BeforeFallback | None = None,
    ) -> Served:
        """Serve from the first model/deployment that answers; raise an UpstreamError if none does.

        ``before_fallback(model)`` runs before each model after the first (admission re-checks the
        key for it); a reason string skips that model.
        """
        failures: list[str] = []
        failed_models: list[str] = []
        last: _Failure | None = None
        for i, model in enumerate(models):
            if i and before_fallback is not None:
                refused = await before_fallback(model)
                if refused is not None:
                    failures.append(f"{model}: {refused}")
                    failed_models.append(model)
                    continue
            for dep in self.table.serving(model):
                if self.cooldowns.cooling(dep.key):
                    failures.append(f"{dep.key} cooling down")
                    continue
                served, failure = await self._deployment(exchange, dep, build(dep), stream, failures)
                if served is not None:
                    served.failed_models = failed_models
                    served.last_failure = failures[-1] if failures else None
                    return served
                last = failure or last
            failed_models.append(model)
        raise _final_error(last, failures)

    async def _deployment(
        self, exchange: Exchange, dep: Deployment, request: UpstreamRequest, stream: bool, log: list[str]
    ) -> tuple[Served | None, _Failure | None]:
        failure: _Failure | None = None
        for attempt in range(self.retry.max_attempts):
            if attempt:
                delay = self._delay(attempt - 1, failure)
                if delay is None:
                    break
                await self.sleep(delay)
            exchange.attempts += 1
            try:
                served = await self._attempt(exchange, dep, request, stream)
            except _Failed as exc:
                failure = exc.failure
                log.append(f"{dep.key}: {failure.detail}")
                self.metrics.attempts.labels(dep.provider, dep.model, failure.kind).inc()
                if self.cooldowns.failure(dep.key):
                    self.metrics.cooling.set(self.cooldowns.active())
                    break
                continue
            self.cooldowns.success(dep.key)
            self.metrics.attempts.labels(dep.provider, dep.model, "ok").inc()
            return served, None
        return None, failure

    def _delay(self, retry: int, failure: _Failure | None) -> float | None:
        """Seconds before the next try; None when the server asks for more than we wait."""
        if failure is not None:
            asked = parse_retry_after(failure.retry_after, failure.retry_after_ms)
            if asked is not None and asked > self.retry.max_retry_after_s:
                return None
        after = failure.retry_after if failure else None
        after_ms = failure.retry_after_ms if failure else None
        return backoff_delays(self.policy, retry, after, after_ms, self.rng)

    async def _attempt(
        self, exchange: Exchange, dep: Deployment, request: UpstreamRequest, stream: bool
    ) -> Served:
        started = self.clock()
        cpu = self.cpu if self.cpu is not None and self.metrics.in_flight.value <= 1 else None
        cpu_started = cpu() if cpu is not None else 0.0
        response: UpstreamResponse | None = None
        try:
            if stream or not getattr(dep.upstream, "bounds_first_byte", False):
                async with asyncio.timeout(dep.first_byte_timeout_s):
                    response = await dep.upstream.send(request)
                    return await _first_byte(response, dep, stream)
            # The upstream bounds its wait for the headers itself (request.timeout_s): one timer
            # less per request. A stream's first chunk still needs the bound above.
            response = await dep.upstream.send(request)
            return await _first_byte(response, dep, stream)
        except BaseException as exc:
            if response is not None:  # a failed or cancelled attempt frees its connection
                await response.aclose()
            failure = _classify(exc, dep)
            if failure is None:
                raise
            raise _Failed(failure) from exc
        finally:
            exchange.waited(self.clock() - started, cpu() - cpu_started if cpu is not None else None)


async def _first_byte(response: UpstreamResponse, dep: Deployment, stream: bool) -> Served:
    if is_retryable(response.status):
        raise _Failed(await _status_failure(response))
    if not stream or response.status >= 300:
        return Served(response, dep)
    rest = aiter(response.chunks())
    first = await anext(rest, b"")
    if not first:
        raise _Failed(_Failure("stream", "stream closed before its first byte"))
    return Served(response, dep, first, rest)


def _classify(exc: BaseException, dep: Deployment) -> _Failure | None:
    """The failure an exception means, or None when it is not an upstream failure (re-raise)."""
    if isinstance(exc, _Failed):
        return exc.failure
    if isinstance(exc, TimeoutError):
        return _Failure("timeout", f"no first byte in {dep.first_byte_timeout_s:g}s")
    if isinstance(exc, UpstreamTimeoutError):
        return _Failure("timeout", str(exc))
    if isinstance(exc, UpstreamConnectError):
        return _Failure("connect", str(exc))
    if isinstance(exc, UpstreamStreamError):
        return _Failure("stream", str(exc))
    return None


async def _status_failure(response: UpstreamResponse) -> _Failure:
    headers = response.headers
    try:
        body = (await response.read())[:300].decode("utf-8", "replace")
    except UpstreamStreamError:
        body = ""
    return _Failure(
        "status", f"HTTP {response.status} {body}".strip(), response.status,
        headers.get("retry-after"), headers.get("retry-after-ms"),
    )  # fmt: skip


def _final_error(last: _Failure | None, log: list[str]) -> UpstreamError:
    detail = "; ".join(log[-6:]) or "no deployment serves this model"
    if last is None:
        return UpstreamUnavailableError(f"No upstream is available: {detail}")
    if last.kind == "timeout":
        return UpstreamTimeoutError(f"Upstream timed out after retries and fallbacks: {detail}")
    if last.status in (429, 503):
        return UpstreamUnavailableError(f"Upstream unavailable after retries and fallbacks: {detail}")
    code = "upstream_connect_error" if last.kind == "connect" else None
    return UpstreamError(f"Upstream failed after retries and fallbacks: {detail}", code=code)
