"""The policies a plan compares, and the assumptions behind them (all stated, all overridable).

- ``all_mini``: every record on the cheap model (the owner of the default lane: gpt-5.4-mini).
- ``all_codex``: every record on the escalation model (gpt-5.3-codex).
- ``laneway``: the model the engine's profile -> classify -> policy path picks.
- ``mini_first``: "mini first, codex second": the cheap model, then the specialist for the
  share of each lane that escalates (``--escalation-rate LANE=P``).
- ``random_mix``: the "zero router": each record goes to the specialist at random, at the same
  overall share of specialist calls as ``laneway`` routing.

A record only one model can serve (a Codex cloud task, a request with a hosted tool the specialist
lacks) goes to that model under every policy, and is counted as infeasible for the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from laneway.catalog.model import Catalog
from laneway.config import PolicySettings
from laneway.errors import InputError
from laneway.lanes.lane import Lane

POLICIES = ("all_mini", "all_codex", "laneway", "mini_first", "random_mix")
POLICY_TITLES = {
    "all_mini": "all {cheap}",
    "all_codex": "all {specialist}",
    "laneway": "laneway routing",
    "mini_first": "{cheap} first, {specialist} second",
    "random_mix": "random mix (zero router)",
}
#: Escalation rate for a lane whose benchmark gives no prior (stated in every report).
FALLBACK_ESCALATION_RATE = 0.10


@dataclass(frozen=True, slots=True)
class Assumptions:
    cheap: str
    specialist: str
    escalation_rates: dict[Lane, float]
    rate_sources: dict[Lane, str]

    def title(self, policy: str) -> str:
        return POLICY_TITLES[policy].format(cheap=self.cheap, specialist=self.specialist)

    def to_dict(self) -> dict[str, object]:
        return {
            "cheap_model": self.cheap,
            "specialist_model": self.specialist,
            "escalation_rates": {lane.value: round(p, 4) for lane, p in self.escalation_rates.items()},
            "escalation_rate_sources": {lane.value: s for lane, s in self.rate_sources.items()},
            "same_usage_on_every_model": True,
            "cached_input_at_cached_price": True,
            "cascade_success": "nested: the specialist solves what the cheap model solves, plus its margin",
            "tokens_per_minute": "a record's tokens count in the minute it started",
        }


def success(catalog: Catalog, model: str, lane: Lane) -> float | None:
    """The benchmark prior (0..1) of ``model`` on ``lane``; None when the lane has no benchmark."""
    bench = catalog.lanes[lane].benchmark
    card = catalog.models.get(model)
    if bench is None or card is None or bench not in card.benchmarks:
        return None
    return card.benchmarks[bench].score / 100.0


def cascade_success(cheap: float, specialist: float, rate: float) -> float:
    """Expected success of cheap-first with ``rate`` of attempts escalated.

    Assumes nested outcomes: the specialist solves every task the cheap model solves, and on a
    ``specialist - cheap`` share more; escalation picks failures first. At ``rate = 1 - cheap``
    this is ``max(cheap, specialist)``.
    """
    if cheap >= 1.0:
        return cheap
    rescue = max(0.0, specialist - cheap) / (1.0 - cheap)
    return cheap + min(rate, 1.0 - cheap) * rescue


def default_rates(catalog: Catalog, cheap: str) -> tuple[dict[Lane, float], dict[Lane, str]]:
    """Per lane: ``1 - cheap model's benchmark score`` (every failure escalates), else the fallback."""
    rates: dict[Lane, float] = {}
    sources: dict[Lane, str] = {}
    for lane in Lane:
        prior = success(catalog, cheap, lane)
        if cheap not in catalog.lanes[lane].candidates:
            rates[lane] = 0.0
            sources[lane] = f"n/a: {cheap} cannot serve this lane"
        elif prior is not None:
            rates[lane] = round(1.0 - prior, 4)
            bench = catalog.lanes[lane].benchmark or ""
            sources[lane] = f"default: 1 - {cheap} {catalog.benchmark_names.get(bench, bench)}"
        else:
            rates[lane] = FALLBACK_ESCALATION_RATE
            sources[lane] = "default: no benchmark for this lane"
    return rates, sources


def parse_rates(values: list[str]) -> dict[Lane, float]:
    """``LANE=P`` strings -> rates; :class:`InputError` for a bad lane or a P outside 0..1."""
    rates: dict[Lane, float] = {}
    for value in values:
        name, sep, number = value.partition("=")
        try:
            lane = Lane.parse(name)
            rate = float(number)
        except ValueError as exc:
            detail = str(exc) if sep and name else "expected LANE=P"
            raise InputError(f"--escalation-rate {value!r}: {detail}") from None
        if not 0.0 <= rate <= 1.0:
            raise InputError(f"--escalation-rate {value!r}: P must be between 0 and 1")
        rates[lane] = rate
    return rates


def assumptions(
    catalog: Catalog, settings: PolicySettings, overrides: Mapping[Lane, float] | None = None
) -> Assumptions:
    cheap = catalog.owner(settings.default_lane)
    specialist = settings.escalation_model
    rates, sources = default_rates(catalog, cheap)
    for lane, rate in (overrides or {}).items():
        rates[lane] = rate
        sources[lane] = "--escalation-rate"
    return Assumptions(cheap, specialist, rates, sources)
