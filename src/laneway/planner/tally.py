"""Running sums a plan keeps per lane and policy (scaled adds, so expectations add up)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Tally:
    calls: float = 0.0  # model calls (expected: an escalation adds its rate)
    cost_usd: float = 0.0
    specialist_calls: float = 0.0
    credits: float = 0.0
    tokens: float = 0.0
    success_sum: float = 0.0  # sum of expected success over records whose lane has a benchmark
    success_n: float = 0.0
    infeasible: int = 0  # records this policy's model cannot serve (sent to the other model)

    def add(self, other: Tally, weight: float = 1.0) -> None:
        self.calls += other.calls * weight
        self.cost_usd += other.cost_usd * weight
        self.specialist_calls += other.specialist_calls * weight
        self.credits += other.credits * weight
        self.tokens += other.tokens * weight
        self.success_sum += other.success_sum * weight
        self.success_n += other.success_n * weight
        self.infeasible += other.infeasible

    @property
    def success(self) -> float | None:
        return self.success_sum / self.success_n if self.success_n else None


@dataclass(slots=True)
class LaneMix:
    records: int = 0
    requests: int = 0
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0


@dataclass(slots=True)
class ShadowTally:
    rows: int = 0
    served_cost_usd: float = 0.0
    laneway_cost_usd: float = 0.0
    changed_model: int = 0  # rows where laneway would have picked another model
