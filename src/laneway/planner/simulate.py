"""Simulate every policy over a stream of records, in one pass and constant memory per record.

Each record is decided once, through the engine's own profile -> classify -> policy path
(:meth:`Engine.decide_profile`); ledger rows keep the decision the gateway recorded. The record's
measured usage (or the engine's estimate) is then priced on each model (cached input at the cached
price) and added to per-lane, per-policy tallies and per-minute token counts. State grows with the
number of lanes, models and minutes spanned, never with the number of records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from laneway.cost import cost_usd
from laneway.engine import Engine
from laneway.errors import BadRequestError, NoCandidateError
from laneway.lanes.lane import Lane, Surface
from laneway.planner.policies import Assumptions, cascade_success, success
from laneway.planner.record import BadLine, Record
from laneway.planner.tally import LaneMix, ShadowTally, Tally

#: How many bad lines / unroutable records a report lists (all are counted).
KEEP_PROBLEMS = 20
MINUTE = 60
#: Per-minute token slots for the random mix, resolved once the laneway share is known.
FLEX = "~flex"


@dataclass(frozen=True, slots=True)
class Routed:
    lane: Lane
    model: str
    feasible: frozenset[str]  # models the policy kept for this record


@dataclass(slots=True)
class Problems:
    count: int = 0
    first: list[BadLine] = field(default_factory=list)

    def add(self, problem: BadLine) -> None:
        self.count += 1
        if len(self.first) < KEEP_PROBLEMS:
            self.first.append(problem)


class Simulator:
    """Feed records with :meth:`add`; read the sums (``result.build`` turns them into a report)."""

    def __init__(self, engine: Engine, assumptions: Assumptions) -> None:
        self.engine = engine
        self.assumptions = assumptions
        self.cheap, self.specialist = assumptions.cheap, assumptions.specialist
        self.mix: defaultdict[Lane, LaneMix] = defaultdict(LaneMix)
        self.models: defaultdict[Lane, Counter[str]] = defaultdict(Counter)
        self.tallies: defaultdict[tuple[str, Lane], Tally] = defaultdict(Tally)
        self.minutes: defaultdict[int, defaultdict[tuple[str, str], float]] = defaultdict(
            lambda: defaultdict(float)
        )
        self.shadow: defaultdict[Lane, ShadowTally] = defaultdict(ShadowTally)
        self.usage_sources: Counter[str] = Counter()
        self.formats: Counter[str] = Counter()
        self.malformed = Problems()
        self.unroutable = Problems()
        self.untimed = 0
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        self.codex_turns = 0
        self.cloud_tasks = 0
        self.code_reviews = 0

    # -- one record --------------------------------------------------------------------------
    def add(self, item: Record | BadLine) -> None:
        if isinstance(item, BadLine):
            self.malformed.add(item)
            return
        routed = self._route(item)
        if routed is None:
            return
        self._count(item, routed.lane, routed.model)
        self._policies(item, routed)
        if item.served is not None and item.served.mode == "shadow":
            self._shadow(item, routed)

    def _route(self, record: Record) -> Routed | None:
        if record.served is not None:
            served = record.served
            lane = served.shadow_lane or served.lane
            model = served.shadow_model or served.model
            if model not in self.engine.catalog.models:
                self.unroutable.add(
                    BadLine(record.source, record.line, f"model {model!r} not in the catalog")
                )
                return None
            return Routed(lane, model, frozenset(self.engine.catalog.lanes[lane].candidates))
        assert record.profile is not None  # a reader yields a profile or a served decision
        try:
            decision = self.engine.decide_profile(record.profile)
        except (NoCandidateError, BadRequestError) as exc:
            self.unroutable.add(BadLine(record.source, record.line, str(exc)))
            return None
        kept = frozenset(c.model for c in decision.candidates if c.kept)
        return Routed(decision.lane, decision.model, kept)

    def _count(self, record: Record, lane: Lane, model: str) -> None:
        mix = self.mix[lane]
        usage = record.usage
        mix.records += 1
        mix.requests += record.requests
        mix.input_tokens += usage.input_tokens
        mix.cached_input_tokens += usage.cached_input_tokens
        mix.output_tokens += usage.output_tokens
        mix.reasoning_tokens += usage.reasoning_tokens
        self.models[lane][model] += 1
        self.usage_sources[record.usage_source.value] += 1
        self.formats[record.format.value] += 1
        surface = record.surface
        self.codex_turns += surface is not Surface.API
        self.cloud_tasks += surface is Surface.CODEX_CLOUD or lane is Lane.CLOUD_TASK
        self.code_reviews += surface is Surface.CODEX_REVIEW
        if record.ts is None:
            self.untimed += 1
        else:
            self.first_ts = record.ts if self.first_ts is None else min(self.first_ts, record.ts)
            self.last_ts = record.ts if self.last_ts is None else max(self.last_ts, record.ts)

    # -- policies ----------------------------------------------------------------------------
    def _unit(self, record: Record, lane: Lane, model: str) -> Tally:
        """One record served once by ``model``."""
        card = self.engine.catalog.models[model]
        credits = card.codex.credits_per_local_task if record.surface is Surface.CODEX_LOCAL else None
        prior = success(self.engine.catalog, model, lane)
        return Tally(
            calls=1.0,
            cost_usd=cost_usd(card, record.usage),
            specialist_calls=1.0 if model == self.specialist else 0.0,
            credits=credits or 0.0,
            tokens=float(record.usage.total_tokens),
            success_sum=prior or 0.0,
            success_n=1.0 if prior is not None else 0.0,
        )

    def _serve(self, policy: str, lane: Lane, minute: int | None, unit: Tally, model: str, w: float) -> None:
        self.tallies[policy, lane].add(unit, w)
        if minute is not None:
            self.minutes[minute][policy, model] += unit.tokens * w

    def _policies(self, record: Record, routed: Routed) -> None:
        lane, cheap, spec = routed.lane, self.cheap, self.specialist
        minute = int(record.ts // MINUTE) if record.ts is not None else None
        cheap_ok, spec_ok = cheap in routed.feasible, spec in routed.feasible
        on_cheap = self._unit(record, lane, cheap) if cheap_ok or not spec_ok else None
        on_spec = self._unit(record, lane, spec) if spec_ok or not cheap_ok else None
        fallback = on_cheap or on_spec
        assert fallback is not None
        chosen = {cheap: on_cheap, spec: on_spec}.get(routed.model) or self._unit(record, lane, routed.model)
        self._serve("laneway", lane, minute, chosen, routed.model, 1.0)
        if on_cheap is None or on_spec is None:  # only one model can serve it: every policy agrees
            only = cheap if on_cheap is not None else spec
            for policy in ("all_mini", "all_codex", "mini_first", "random_mix"):
                self._serve(policy, lane, minute, fallback, only, 1.0)
            self.tallies["all_mini" if on_cheap is None else "all_codex", lane].infeasible += 1
            self.tallies["~forced_specialist", lane].add(fallback if on_spec is not None else Tally(), 1.0)
            return
        self._serve("all_mini", lane, minute, on_cheap, cheap, 1.0)
        self._serve("all_codex", lane, minute, on_spec, spec, 1.0)
        rate = self.assumptions.escalation_rates[lane]
        self._serve("mini_first", lane, minute, on_cheap, cheap, 1.0)
        self._serve("mini_first", lane, minute, on_spec, spec, rate)
        self._cascade_success(lane, on_cheap, on_spec, rate)
        self.tallies["~flex_cheap", lane].add(on_cheap)
        self.tallies["~flex_specialist", lane].add(on_spec)
        if minute is not None:
            self.minutes[minute][FLEX, FLEX] += on_cheap.tokens

    def _cascade_success(self, lane: Lane, on_cheap: Tally, on_spec: Tally, rate: float) -> None:
        """Replace the summed success of the two cascade legs by the cascade's own success."""
        tally = self.tallies["mini_first", lane]
        tally.success_sum -= on_cheap.success_sum + on_spec.success_sum * rate
        tally.success_n -= on_cheap.success_n + on_spec.success_n * rate
        if on_cheap.success_n and on_spec.success_n:
            tally.success_sum += cascade_success(on_cheap.success_sum, on_spec.success_sum, rate)
            tally.success_n += 1.0

    def _shadow(self, record: Record, routed: Routed) -> None:
        served = record.served
        assert served is not None
        card = self.engine.catalog.models.get(served.model)
        tally = self.shadow[routed.lane]
        tally.rows += 1
        tally.served_cost_usd += cost_usd(card, record.usage) if card is not None else served.cost_usd
        tally.laneway_cost_usd += cost_usd(self.engine.catalog.models[routed.model], record.usage)
        tally.changed_model += routed.model != served.model

    # -- the random mix ----------------------------------------------------------------------
    def random_share(self) -> float:
        """Share of flexible records the random mix sends to the specialist: the same overall
        share of specialist calls as laneway routing."""
        lanes = list(Lane)
        laneway = sum(self.tallies["laneway", lane].specialist_calls for lane in lanes)
        forced = sum(self.tallies["~forced_specialist", lane].calls for lane in lanes)
        flex = sum(self.tallies["~flex_cheap", lane].calls for lane in lanes)
        return min(1.0, max(0.0, (laneway - forced) / flex)) if flex else 0.0

    def finish(self) -> float:
        """Resolve the random mix (tallies and minutes); returns its specialist share."""
        share = self.random_share()
        for lane in Lane:
            tally = self.tallies["random_mix", lane]
            tally.add(self.tallies["~flex_cheap", lane], 1.0 - share)
            tally.add(self.tallies["~flex_specialist", lane], share)
        for slots in self.minutes.values():
            flex = slots.pop((FLEX, FLEX), 0.0)
            if flex:
                slots["random_mix", self.cheap] += flex * (1.0 - share)
                slots["random_mix", self.specialist] += flex * share
        return share
