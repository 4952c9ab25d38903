"""Simulate every policy over a stream of records, in one pass and constant memory per record.

Each record is decided once, through the engine's own profile -> classify -> policy path
(:meth:`Engine.decide_profile`); ledger rows keep the decision the gateway recorded. Per record
the simulator only adds the record's token counts to a small table keyed by what its figures
depend on (lane, laneway's model, which models can serve it, surface, usage source, format), and
its tokens to the minute it started. :meth:`Simulator.finish` prices those sums on each model once
(cost is linear in tokens) and spreads them over the policies. State grows with the number of
lanes, models and minutes spanned, never with the number of records; two simulators over two
halves of an input :meth:`~Simulator.merge` into the simulator of the whole.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from itertools import islice

from laneway.catalog.model import Catalog
from laneway.cost import cost_usd
from laneway.engine import Engine
from laneway.errors import BadRequestError, NoCandidateError
from laneway.lanes.lane import Lane, Surface
from laneway.planner.policies import Assumptions, cascade_success, success
from laneway.planner.record import BadLine, InputFormat, Record, UsageSource
from laneway.planner.tally import LaneMix, ShadowTally, Tally

#: How many bad lines / unroutable records a report lists (all are counted).
KEEP_PROBLEMS = 20
MINUTE = 60
#: Records read ahead before they are decided (see :meth:`Simulator.feed`).
BATCH = 1_000
_DEFAULT_POLICIES = ("all_mini", "all_codex", "mini_first", "random_mix")


class Serve(IntEnum):
    """Which of the compared models can serve a record."""

    FLEX = 0  # both (or, oddly, neither: then every policy prices it on its own model)
    CHEAP_ONLY = 1
    SPECIALIST_ONLY = 2


#: (lane, laneway's model, Serve, surface, usage source, format): what a record's figures depend on.
Key = tuple[Lane, str, Serve, Surface, UsageSource, InputFormat]
#: Per key: records, requests, input, cached input (as logged), cached input (<= input), output, reasoning.
Sums = list[int]
#: Per minute: (lane, laneway's model, Serve) -> tokens.
MinuteKey = tuple[Lane, str, Serve]


@dataclass(slots=True)
class Problems:
    count: int = 0
    first: list[BadLine] = field(default_factory=list)

    def add(self, problem: BadLine) -> None:
        self.count += 1
        if len(self.first) < KEEP_PROBLEMS:
            self.first.append(problem)

    def merge(self, other: Problems, line_offset: int = 0) -> None:
        """Append ``other`` (read after this one; its lines shifted by ``line_offset``)."""
        self.count += other.count
        for bad in other.first[: KEEP_PROBLEMS - len(self.first)]:
            self.first.append(BadLine(bad.source, bad.line + line_offset, bad.error))


@dataclass(slots=True)
class Partial:
    """What a simulator has streamed so far, before :meth:`Simulator.finish` (see ``merge``)."""

    sums: dict[Key, Sums]
    minute_sums: dict[int, dict[MinuteKey, int]]
    shadow: dict[Lane, ShadowTally]
    malformed: Problems
    unroutable: Problems
    untimed: int
    first_ts: float | None
    last_ts: float | None


class Simulator:
    """Feed records with :meth:`add`, then :meth:`finish`; ``result.build`` reads the sums."""

    def __init__(self, engine: Engine, assumptions: Assumptions) -> None:
        self.engine = engine
        self.assumptions = assumptions
        self.cheap, self.specialist = assumptions.cheap, assumptions.specialist
        # streamed state (small, mergeable)
        self.sums: dict[Key, Sums] = {}
        self.minute_sums: dict[int, dict[MinuteKey, int]] = {}
        self.shadow: defaultdict[Lane, ShadowTally] = defaultdict(ShadowTally)
        self.malformed = Problems()
        self.unroutable = Problems()
        self.untimed = 0
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        # filled by finish()
        self.mix: defaultdict[Lane, LaneMix] = defaultdict(LaneMix)
        self.models: defaultdict[Lane, Counter[str]] = defaultdict(Counter)
        self.tallies: defaultdict[tuple[str, Lane], Tally] = defaultdict(Tally)
        self.minutes: dict[int, defaultdict[tuple[str, str], float]] = {}
        self.usage_sources: Counter[str] = Counter()
        self.formats: Counter[str] = Counter()
        self.codex_turns = 0
        self.cloud_tasks = 0
        self.code_reviews = 0

    # -- records -----------------------------------------------------------------------------
    def feed(self, items: Iterable[Record | BadLine], batch: int = BATCH) -> None:
        """:meth:`add` every item, reading ``batch`` of them before deciding them.

        Same result as adding them one by one, with about a fifth less CPU on the benchmark's log
        (26 -> 21 us a record): reading a line (decode, profile) and deciding it (classifier,
        policy) run different code over different data, and alternating them every record costs
        more than a run of each (most likely in the processor's caches). Memory stays flat:
        ``batch`` records.
        """
        it = iter(items)
        while chunk := list(islice(it, batch)):
            for item in chunk:
                self.add(item)

    def add(self, item: Record | BadLine) -> None:
        if isinstance(item, BadLine):
            self.malformed.add(item)
            return
        routed = self._decide(item) if item.served is None else self._served(item)
        if routed is None:
            return
        lane, model, serve = routed
        usage = item.usage
        key = (lane, model, serve, item.surface, item.usage_source, item.format)
        sums = self.sums.get(key)
        if sums is None:
            sums = self.sums[key] = [0, 0, 0, 0, 0, 0, 0]
        inp, cached = usage.input_tokens, usage.cached_input_tokens
        sums[0] += 1
        sums[1] += item.requests
        sums[2] += inp
        sums[3] += cached
        sums[4] += cached if cached < inp else inp
        sums[5] += usage.output_tokens
        sums[6] += usage.reasoning_tokens
        ts = item.ts
        if ts is None:
            self.untimed += 1
        else:
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts
            minute = int(ts // MINUTE)
            slots = self.minute_sums.get(minute)
            if slots is None:
                slots = self.minute_sums[minute] = {}
            slot = (lane, model, serve)
            slots[slot] = slots.get(slot, 0) + inp + usage.output_tokens
        if item.served is not None and item.served.mode == "shadow":
            self._shadow(item, lane, model)

    def _serve(self, lane: Lane, model: str, feasible: set[str] | frozenset[str]) -> tuple[Lane, str, Serve]:
        cheap_ok, spec_ok = self.cheap in feasible, self.specialist in feasible
        if cheap_ok == spec_ok:
            return lane, model, Serve.FLEX
        return lane, model, Serve.CHEAP_ONLY if cheap_ok else Serve.SPECIALIST_ONLY

    def _decide(self, record: Record) -> tuple[Lane, str, Serve] | None:
        assert record.profile is not None  # a reader yields a profile or a served decision
        try:
            decision = self.engine.decide_profile(record.profile)
        except (NoCandidateError, BadRequestError) as exc:
            self.unroutable.add(BadLine(record.source, record.line, str(exc)))
            return None
        kept = {c.model for c in decision.candidates if c.kept}
        return self._serve(decision.lane, decision.model, kept)

    def _served(self, record: Record) -> tuple[Lane, str, Serve] | None:
        served = record.served
        assert served is not None
        lane = served.shadow_lane or served.lane
        model = served.shadow_model or served.model
        if model not in self.engine.catalog.models:
            self.unroutable.add(BadLine(record.source, record.line, f"model {model!r} not in the catalog"))
            return None
        return self._serve(lane, model, frozenset(self.engine.catalog.lanes[lane].candidates))

    def _shadow(self, record: Record, lane: Lane, model: str) -> None:
        served = record.served
        assert served is not None
        card = self.engine.catalog.models.get(served.model)
        tally = self.shadow[lane]
        tally.rows += 1
        tally.served_cost_usd += cost_usd(card, record.usage) if card is not None else served.cost_usd
        tally.laneway_cost_usd += cost_usd(self.engine.catalog.models[model], record.usage)
        tally.changed_model += model != served.model

    # -- merging partial runs ----------------------------------------------------------------
    def partial(self) -> Partial:
        """The streamed state (what a worker sends back): small and picklable."""
        return Partial(
            self.sums, self.minute_sums, dict(self.shadow), self.malformed, self.unroutable,
            self.untimed, self.first_ts, self.last_ts,
        )  # fmt: skip

    def merge(self, other: Partial, line_offset: int = 0) -> None:
        """Add ``other``, the state of a run over the records after this one's.

        Token sums and counts are integers, so the merged simulator is the one that read both
        parts in order; ``line_offset`` shifts ``other``'s problem lines (it read a file's tail).
        """
        for key, sums in other.sums.items():
            mine = self.sums.get(key)
            if mine is None:
                self.sums[key] = list(sums)
            else:
                for i, value in enumerate(sums):
                    mine[i] += value
        for minute, slots in other.minute_sums.items():
            into = self.minute_sums.setdefault(minute, {})
            for slot, tokens in slots.items():
                into[slot] = into.get(slot, 0) + tokens
        for lane, shadow in other.shadow.items():
            tally = self.shadow[lane]
            tally.rows += shadow.rows
            tally.served_cost_usd += shadow.served_cost_usd
            tally.laneway_cost_usd += shadow.laneway_cost_usd
            tally.changed_model += shadow.changed_model
        self.malformed.merge(other.malformed, line_offset)
        self.unroutable.merge(other.unroutable, line_offset)
        self.untimed += other.untimed
        for ts in (other.first_ts, other.last_ts):
            if ts is not None:
                self.first_ts = ts if self.first_ts is None else min(self.first_ts, ts)
                self.last_ts = ts if self.last_ts is None else max(self.last_ts, ts)

    # -- the policies, from the sums ---------------------------------------------------------
    def finish(self) -> float:
        """Spread the sums over the policies (tallies and minutes); returns the random mix's
        specialist share of flexible records."""
        for key, sums in self.sums.items():
            self._counts(key, sums)
            self._policies(key, sums)
        share = self.random_share()
        for lane in Lane:
            tally = self.tallies["random_mix", lane]
            tally.add(self.tallies["~flex_cheap", lane], 1.0 - share)
            tally.add(self.tallies["~flex_specialist", lane], share)
        self.minutes = {minute: self._minute(slots, share) for minute, slots in self.minute_sums.items()}
        return share

    def _counts(self, key: Key, sums: Sums) -> None:
        lane, model, _, surface, source, fmt = key
        records = sums[0]
        mix = self.mix[lane]
        mix.records += records
        mix.requests += sums[1]
        mix.input_tokens += sums[2]
        mix.cached_input_tokens += sums[3]
        mix.output_tokens += sums[5]
        mix.reasoning_tokens += sums[6]
        self.models[lane][model] += records
        self.usage_sources[source.value] += records
        self.formats[fmt.value] += records
        self.codex_turns += records * (surface is not Surface.API)
        self.cloud_tasks += records * (surface is Surface.CODEX_CLOUD or lane is Lane.CLOUD_TASK)
        self.code_reviews += records * (surface is Surface.CODEX_REVIEW)

    def _policies(self, key: Key, sums: Sums) -> None:
        lane, model, serve, surface, _, _ = key
        cheap, spec = self.cheap, self.specialist

        def unit(on: str) -> Tally:
            return served_by(self.engine.catalog, on, lane, surface, sums, specialist=spec)

        self.tallies["laneway", lane].add(unit(model))
        if serve is not Serve.FLEX:
            only = unit(cheap if serve is Serve.CHEAP_ONLY else spec)
            for policy in _DEFAULT_POLICIES:
                self.tallies[policy, lane].add(only)
            infeasible = "all_mini" if serve is Serve.SPECIALIST_ONLY else "all_codex"
            self.tallies[infeasible, lane].infeasible += sums[0]
            if serve is Serve.SPECIALIST_ONLY:
                self.tallies["~forced_specialist", lane].add(only)
            return
        on_cheap, on_spec = unit(cheap), unit(spec)
        rate = self.assumptions.escalation_rates[lane]
        self.tallies["all_mini", lane].add(on_cheap)
        self.tallies["all_codex", lane].add(on_spec)
        cascade = self.tallies["mini_first", lane]
        cascade.add(on_cheap)
        cascade.add(on_spec, rate)
        # the cascade's success is not the sum of its legs' priors: replace it
        cascade.success_sum -= on_cheap.success_sum + on_spec.success_sum * rate
        cascade.success_n -= on_cheap.success_n + on_spec.success_n * rate
        prior_cheap = success(self.engine.catalog, cheap, lane)
        prior_spec = success(self.engine.catalog, spec, lane)
        if prior_cheap is not None and prior_spec is not None:
            cascade.success_sum += sums[0] * cascade_success(prior_cheap, prior_spec, rate)
            cascade.success_n += sums[0]
        self.tallies["~flex_cheap", lane].add(on_cheap)
        self.tallies["~flex_specialist", lane].add(on_spec)

    def _minute(self, slots: dict[MinuteKey, int], share: float) -> defaultdict[tuple[str, str], float]:
        """A minute's tokens per (policy, model): a record counts in the minute it started."""
        cheap, spec = self.cheap, self.specialist
        out: defaultdict[tuple[str, str], float] = defaultdict(float)
        flex = 0
        for (lane, model, serve), tokens in slots.items():
            out["laneway", model] += tokens
            if serve is Serve.FLEX:
                out["all_mini", cheap] += tokens
                out["all_codex", spec] += tokens
                out["mini_first", cheap] += tokens
                out["mini_first", spec] += tokens * self.assumptions.escalation_rates[lane]
                flex += tokens
            else:
                only = cheap if serve is Serve.CHEAP_ONLY else spec
                for policy in _DEFAULT_POLICIES:
                    out[policy, only] += tokens
        if flex:
            out["random_mix", cheap] += flex * (1.0 - share)
            out["random_mix", spec] += flex * share
        return out

    # -- the random mix ----------------------------------------------------------------------
    def random_share(self) -> float:
        """Share of flexible records the random mix sends to the specialist: the same overall
        share of specialist calls as laneway routing."""
        lanes = list(Lane)
        laneway = sum(self.tallies["laneway", lane].specialist_calls for lane in lanes)
        forced = sum(self.tallies["~forced_specialist", lane].calls for lane in lanes)
        flex = sum(self.tallies["~flex_cheap", lane].calls for lane in lanes)
        return min(1.0, max(0.0, (laneway - forced) / flex)) if flex else 0.0


def served_by(
    catalog: Catalog, model: str, lane: Lane, surface: Surface, sums: Sums, *, specialist: str
) -> Tally:
    """The records summed in ``sums``, each served once by ``model`` (priced once, on the sums)."""
    card = catalog.models[model]
    records = float(sums[0])
    prices = card.price_per_mtok
    cached = sums[4]
    credits = card.codex.credits_per_local_task if surface is Surface.CODEX_LOCAL else None
    prior = success(catalog, model, lane)
    return Tally(
        calls=records,
        cost_usd=((sums[2] - cached) * prices.input + cached * prices.cached_input + sums[5] * prices.output)
        / 1_000_000,
        specialist_calls=records if model == specialist else 0.0,
        credits=records * (credits or 0.0),
        tokens=float(sums[2] + sums[5]),
        success_sum=records * (prior or 0.0),
        success_n=records if prior is not None else 0.0,
    )
