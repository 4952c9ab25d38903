"""Prometheus metrics for one gateway app (its own registry: no process globals).

The request path only touches plain numbers: ``metric.labels(...)`` is one dict lookup of a cached
child and ``inc``/``observe`` add to floats, with no lock and no label validation per call
(prometheus_client's own metrics take a lock and re-validate labels on every ``labels()``; that
cost about 35 us a request here). Everything runs on the event loop thread, scrapes included, so
no lock is needed. At scrape time a collector hands the numbers to ``prometheus_client`` as metric
families, so ``/metrics`` keeps the standard text format (``*_total`` counters, histogram
``_bucket``/``_count``/``_sum`` series).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
_OVERHEAD_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1)


class _CounterChild:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1.0) -> None:
        if amount < 0:
            raise ValueError("counters can only be incremented by non-negative amounts")
        self.value += amount


class _HistogramChild:
    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last one is +Inf
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.sum += value
        self.counts[bisect_left(self.bounds, value)] += 1  # le: a value equal to a bound counts in it


class Counter:
    """A labelled counter: ``labels(*values)`` is cached, ``inc`` adds."""

    __slots__ = ("children", "documentation", "labelnames", "name")

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str]) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = tuple(labelnames)
        self.children: dict[tuple[str, ...], _CounterChild] = {}

    def labels(self, *values: str) -> _CounterChild:
        child = self.children.get(values)
        if child is None:
            if len(values) != len(self.labelnames):
                raise ValueError(f"{self.name}: expected labels {self.labelnames}, got {values}")
            child = self.children[values] = _CounterChild()
        return child

    def collect(self) -> Metric:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, child in self.children.items():
            family.add_metric(values, child.value)
        return family


class Histogram:
    """A labelled histogram with fixed buckets."""

    __slots__ = ("buckets", "children", "documentation", "labelnames", "name")

    def __init__(
        self, name: str, documentation: str, labelnames: Sequence[str], buckets: Sequence[float]
    ) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = tuple(labelnames)
        self.buckets = tuple(float(b) for b in buckets)
        self.children: dict[tuple[str, ...], _HistogramChild] = {}

    def labels(self, *values: str) -> _HistogramChild:
        child = self.children.get(values)
        if child is None:
            if len(values) != len(self.labelnames):
                raise ValueError(f"{self.name}: expected labels {self.labelnames}, got {values}")
            child = self.children[values] = _HistogramChild(self.buckets)
        return child

    def collect(self) -> Metric:
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labelnames)
        for values, child in self.children.items():
            cumulative, running = [], 0
            for bound, count in zip((*self.buckets, float("inf")), child.counts, strict=True):
                running += count
                cumulative.append((_bound_text(bound), float(running)))
            family.add_metric(values, cumulative, child.sum)
        return family


class Gauge:
    """An unlabelled gauge."""

    __slots__ = ("documentation", "name", "value")

    def __init__(self, name: str, documentation: str) -> None:
        self.name = name
        self.documentation = documentation
        self.value = 0.0

    def inc(self, amount: float = 1.0) -> None:
        self.value += amount

    def dec(self, amount: float = 1.0) -> None:
        self.value -= amount

    def set(self, value: float) -> None:
        self.value = float(value)

    def collect(self) -> Metric:
        return GaugeMetricFamily(self.name, self.documentation, value=self.value)


def _bound_text(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)


class _Collector(Collector):
    def __init__(self, metrics: Sequence[Counter | Histogram | Gauge]) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        for metric in self._metrics:
            yield metric.collect()


class GatewayMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.requests = Counter(
            "laneway_requests", "Requests served, by endpoint, lane, model and status",
            ["endpoint", "lane", "model", "status"],
        )  # fmt: skip
        self.latency = Histogram(
            "laneway_request_duration_seconds", "Time from request to the last byte of the reply",
            ["endpoint"], _LATENCY_BUCKETS,
        )  # fmt: skip
        self.overhead = Histogram(
            "laneway_overhead_seconds", "Time spent in laneway itself (upstream wait excluded)",
            ["endpoint"], _OVERHEAD_BUCKETS,
        )  # fmt: skip
        self.attempts = Counter(
            "laneway_upstream_attempts", "Upstream attempts by provider, model and outcome",
            ["provider", "model", "outcome"],
        )  # fmt: skip
        self.escalations = Counter("laneway_escalations", "Sessions escalated, by cause kind", ["cause"])
        self.cost = Counter("laneway_cost_usd", "Dollars spent, by lane and model", ["lane", "model"])
        self.tokens = Counter("laneway_tokens", "Tokens by model and kind", ["model", "kind"])
        self.in_flight = Gauge("laneway_in_flight_requests", "Requests being served")
        self.cooling = Gauge("laneway_deployments_cooling_down", "Deployments currently cooling down")
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(
            _Collector(
                [
                    self.requests, self.latency, self.overhead, self.attempts, self.escalations,
                    self.cost, self.tokens, self.in_flight, self.cooling,
                ]
            )
        )  # fmt: skip

    def render(self) -> bytes:
        return generate_latest(self.registry)
