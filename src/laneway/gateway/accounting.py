"""Accounting: what one exchange cost, and the ledger row that records it.

An :class:`Exchange` is the per-request record the handler fills in as it goes (decision, attempts,
upstream wait, usage, outcome); :func:`settle` turns it into dollars, a :class:`LedgerRow` (queued:
the ledger's writer batches off the request path) and metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

from laneway.catalog.model import Catalog
from laneway.cost import Usage, cost_usd
from laneway.gateway.metrics import GatewayMetrics
from laneway.ledger.base import LedgerRow, SpendLedger
from laneway.policy import Decision

#: Usage is frozen, so one shared "nothing yet" instance serves every new exchange.
NO_USAGE = Usage()


@dataclass(slots=True)
class Exchange:
    request_id: str
    ts: float  # wall clock at arrival (unix seconds)
    start: float  # monotonic clock at arrival
    endpoint: str
    mode: str
    stream: bool = False
    key_id: str | None = None
    session: str | None = None
    lane: str = "unrouted"
    model_requested: str | None = None
    model_served: str | None = None
    decision_id: str = ""
    reasons: str = ""
    confidence: float = 0.0
    usage: Usage = NO_USAGE
    status: str = "ok"
    http_status: int = 200
    upstream_wait_s: float = 0.0  # waiting for the upstream (connect, first byte, chunks)
    client_wait_s: float = 0.0  # waiting for the client to take bytes (a slow reader)
    attempts: int = 0
    escalated: bool = False
    escalation_cause: str | None = None
    shadow_lane: str | None = None
    shadow_model: str | None = None
    error: str | None = None
    cost_usd: float = 0.0
    estimated_input_tokens: int = 0  # the profile's estimate (usage of a cut-short reply)
    tokens_seen: int = 0  # content deltas streamed so far (about one token each)
    prior_usage: Usage = NO_USAGE  # replies discarded (failed verification)
    prior_cost_usd: float = 0.0
    settled: bool = False
    #: False for a request refused because the ledger is full: its row would grow the backlog
    #: that refused it (it is still counted in the metrics).
    recorded: bool = True

    def apply(self, decision: Decision, decision_id: str) -> None:
        self.lane = decision.lane.value
        self.model_served = decision.model
        self.decision_id = decision_id
        self.reasons = "; ".join(decision.reasons)
        self.confidence = decision.confidence
        if decision.escalated:
            self.escalated = True

    def estimated_usage(self) -> Usage:
        """Usage of a reply that never reported its own (cancelled or cut mid-stream)."""
        return Usage(input_tokens=self.estimated_input_tokens, output_tokens=self.tokens_seen)

    def waited(self, wall_s: float, cpu_s: float | None) -> None:
        """Count an upstream call of ``wall_s`` seconds as waiting, minus ``cpu_s``: the event loop
        thread's CPU during it, given only when this was the one request in flight (then that CPU
        was the aiohttp client building the request and parsing the reply: laneway's own time).
        With other requests in flight their work shares the window, so all of it counts as wait."""
        self.upstream_wait_s += wall_s if cpu_s is None else max(0.0, wall_s - cpu_s)

    def overhead_s(self, now: float) -> float:
        return max(0.0, now - self.start - self.upstream_wait_s - self.client_wait_s)

    def total_usage(self) -> Usage:
        """The served reply's usage plus any reply it replaced."""
        prior = self.prior_usage
        return self.usage if prior is NO_USAGE else self.usage + prior

    def to_row(self, now: float) -> LedgerRow:
        u = self.total_usage()
        return LedgerRow(
            request_id=self.request_id, ts=self.ts, endpoint=self.endpoint, key_id=self.key_id,
            session=self.session, lane=self.lane, model_requested=self.model_requested,
            model_served=self.model_served, decision_id=self.decision_id, reasons=self.reasons,
            confidence=self.confidence, input_tokens=u.input_tokens,
            cached_input_tokens=u.cached_input_tokens, output_tokens=u.output_tokens,
            reasoning_tokens=u.reasoning_tokens, cost_usd=self.cost_usd, status=self.status,
            http_status=self.http_status, latency_ms=(now - self.start) * 1000.0,
            overhead_ms=self.overhead_s(now) * 1000.0, attempts=self.attempts,
            escalated=self.escalated, escalation_cause=self.escalation_cause, stream=self.stream,
            mode=self.mode, shadow_lane=self.shadow_lane, shadow_model=self.shadow_model,
            error=self.error,
        )  # fmt: skip


def price(catalog: Catalog, model: str | None, usage: Usage) -> float:
    """Dollars for ``usage`` on ``model`` (0 for a model outside the catalog)."""
    card = catalog.models.get(model) if model is not None else None
    return cost_usd(card, usage) if card is not None else 0.0


def settle(
    exchange: Exchange, now: float, *, catalog: Catalog, ledger: SpendLedger, metrics: GatewayMetrics
) -> LedgerRow | None:
    """Price the exchange, queue its ledger row and count it; idempotent (first call wins)."""
    if exchange.settled:
        return None
    exchange.settled = True
    exchange.cost_usd = exchange.prior_cost_usd + price(catalog, exchange.model_served, exchange.usage)
    row = exchange.to_row(now)
    if exchange.recorded:
        ledger.write(row)
    model = exchange.model_served or "none"
    metrics.requests.labels(exchange.endpoint, exchange.lane, model, exchange.status).inc()
    metrics.latency.labels(exchange.endpoint).observe(row.latency_ms / 1000.0)
    metrics.overhead.labels(exchange.endpoint).observe(row.overhead_ms / 1000.0)
    if exchange.cost_usd:
        metrics.cost.labels(exchange.lane, model).inc(exchange.cost_usd)
    u = exchange.total_usage()
    for kind, count in (
        ("input", u.input_tokens - u.cached_input_tokens),
        ("cached_input", u.cached_input_tokens),
        ("output", u.output_tokens),
    ):
        if count > 0:
            metrics.tokens.labels(model, kind).inc(count)
    return row
