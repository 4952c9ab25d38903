"""Prometheus metrics for one gateway app (its own registry: no process globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
_OVERHEAD_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1)


class GatewayMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "laneway_requests", "Requests served, by endpoint, lane, model and status",
            ["endpoint", "lane", "model", "status"], registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "laneway_request_duration_seconds", "Time from request to the last byte of the reply",
            ["endpoint"], buckets=_LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.overhead = Histogram(
            "laneway_overhead_seconds", "Time spent in laneway itself (upstream wait excluded)",
            ["endpoint"], buckets=_OVERHEAD_BUCKETS, registry=r,
        )  # fmt: skip
        self.attempts = Counter(
            "laneway_upstream_attempts", "Upstream attempts by provider, model and outcome",
            ["provider", "model", "outcome"], registry=r,
        )  # fmt: skip
        self.escalations = Counter(
            "laneway_escalations", "Sessions escalated, by cause kind", ["cause"], registry=r
        )
        self.cost = Counter(
            "laneway_cost_usd", "Dollars spent, by lane and model", ["lane", "model"], registry=r
        )
        self.tokens = Counter("laneway_tokens", "Tokens by model and kind", ["model", "kind"], registry=r)
        self.in_flight = Gauge("laneway_in_flight_requests", "Requests being served", registry=r)
        self.cooling = Gauge(
            "laneway_deployments_cooling_down", "Deployments currently cooling down", registry=r
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
