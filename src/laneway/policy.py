"""Policy: a lane becomes an ordered list of candidate models, filtered by hard constraints.

Pure and synchronous. The result is a :class:`Decision` that says why each candidate was kept or
dropped, so every routing choice can be explained (headers, ledger, ``laneway route``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import msgspec

from laneway.catalog.model import Catalog, ModelCard
from laneway.config import PolicySettings
from laneway.cost import Usage, cost_usd
from laneway.errors import ContextLengthError, NoCandidateError, NotFoundError
from laneway.lanes.lane import Lane, Surface
from laneway.lanes.profile import RequestProfile

#: Codex surfaces that need a slot only some models have (catalog ``codex`` capability).
_SURFACE_CAPABILITY = {Surface.CODEX_CLOUD: "cloud_tasks", Surface.CODEX_REVIEW: "code_reviews"}
_CAPABILITY_WHY = {
    "cloud_tasks": "has no Codex cloud-task slot",
    "code_reviews": "has no Codex code-review slot",
}


class Candidate(msgspec.Struct, frozen=True):
    model: str
    kept: bool
    why: str
    stripped_tools: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "kept": self.kept, "why": self.why}


class LaneCall(msgspec.Struct, frozen=True):
    """What the classifier stage concluded: the lane, how sure, and why."""

    lane: Lane
    confidence: float
    reasons: tuple[str, ...]
    forced: bool = False
    low_confidence: bool = False


class Decision(msgspec.Struct, frozen=True):
    lane: Lane
    model: str
    confidence: float
    reasons: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    estimated_cost_usd: float
    estimated_input_tokens: int
    forced: bool = False
    pinned: bool = False
    escalated: bool = False
    low_confidence: bool = False
    requested_model: str | None = None
    stripped_tools: tuple[str, ...] = ()
    session_key: str | None = None
    surface: Surface = Surface.API

    @property
    def fallbacks(self) -> tuple[str, ...]:
        """Kept candidates after the chosen model, in order."""
        return tuple(c.model for c in self.candidates if c.kept and c.model != self.model)

    @property
    def reason(self) -> str:
        """One line for a header."""
        return "; ".join(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lane": self.lane.value,
            "model": self.model,
            "confidence": round(self.confidence, 4),
            "reasons": list(self.reasons),
            "candidates": [c.to_dict() for c in self.candidates],
            "estimated_cost_usd": round(self.estimated_cost_usd, 8),
            "estimated_input_tokens": self.estimated_input_tokens,
            "forced": self.forced,
            "pinned": self.pinned,
            "escalated": self.escalated,
            "low_confidence": self.low_confidence,
            "requested_model": self.requested_model,
            "stripped_tools": list(self.stripped_tools),
            "surface": self.surface.value,
            "session_key": self.session_key,
        }


class Policy:
    """Lane -> candidates under constraints. Built once from the catalog and settings."""

    __slots__ = ("_codex_strippable", "_strippable", "catalog", "settings")

    def __init__(self, catalog: Catalog, settings: PolicySettings) -> None:
        self.catalog = catalog
        self.settings = settings
        self._strippable = frozenset(settings.strip_hosted_tools)
        self._codex_strippable = self._strippable | frozenset(settings.codex_strip_hosted_tools)

    def estimate_cost(self, card: ModelCard, profile: RequestProfile, cached_tokens: int = 0) -> float:
        output = self.settings.expected_output_tokens
        if profile.max_output_tokens is not None:
            output = min(output, profile.max_output_tokens)
        usage = Usage(profile.estimated_input_tokens, cached_tokens, output)
        return cost_usd(card, usage)

    def _check(self, name: str, card: ModelCard, lane: Lane, profile: RequestProfile) -> Candidate:
        for capability in (self.catalog.lanes[lane].requires, _SURFACE_CAPABILITY.get(profile.surface)):
            if capability is not None and not card.has_capability(capability):
                return Candidate(name, False, _CAPABILITY_WHY.get(capability, f"lacks {capability}"))
        if (profile.images or profile.tool_output_images) and "image" not in card.input_modalities:
            return Candidate(name, False, "does not accept image input")
        missing: list[str] = []
        if profile.hosted_tools:
            missing = sorted(t for t in profile.hosted_tools if not card.supports_hosted_tool(t))
            strippable = self._strippable if profile.surface is Surface.API else self._codex_strippable
            blocking = [t for t in missing if t not in strippable]
            if blocking:
                return Candidate(name, False, f"lacks hosted tool {', '.join(blocking)}")
        max_output = profile.max_output_tokens
        if max_output is not None and max_output > card.max_output_tokens:
            return Candidate(name, False, f"max output {max_output} > its limit {card.max_output_tokens}")
        needed = profile.estimated_input_tokens + (max_output or 0)
        if needed > card.context_window:
            return Candidate(
                name, False,
                f"~{needed} tokens exceed its context window {card.context_window}",
            )  # fmt: skip
        if missing:
            return Candidate(
                name, True, f"passes once laneway strips hosted tool {', '.join(missing)}", tuple(missing)
            )
        return Candidate(name, True, "passes every constraint")

    def decide(
        self,
        profile: RequestProfile,
        call: LaneCall,
        *,
        requested_model: str | None = None,
        pinned_model: str | None = None,
        escalate: str | None = None,
        exclude: Collection[str] | Mapping[str, str] = (),
        cached_tokens: int = 0,
    ) -> Decision:
        """Choose a model for ``call.lane``.

        ``requested_model`` (a concrete model the client named) is honoured when it passes the
        constraints; ``pinned_model`` keeps a session on its model; ``escalate`` (a cause) moves a
        session to the escalation model; ``exclude`` removes models (failed upstream, cooled down; a
        mapping gives each one's reason, e.g. "not allowed for this key").
        Raises :class:`ContextLengthError` or :class:`NoCandidateError` when nothing can serve.
        """
        lane_policy = self.catalog.lanes[call.lane]
        order = lane_policy.candidates
        if requested_model is not None:
            if requested_model not in self.catalog.models:
                raise NotFoundError(
                    f"The model '{requested_model}' does not exist in laneway's catalog",
                    param="model", code="model_not_found",
                )  # fmt: skip
            order = [requested_model, *(m for m in order if m != requested_model)]
        candidates: list[Candidate] = []
        for name in order:
            if name in exclude:
                why = exclude[name] if isinstance(exclude, Mapping) else "excluded (failed or cooling down)"
                candidates.append(Candidate(name, False, why))
            else:
                candidates.append(self._check(name, self.catalog.models[name], call.lane, profile))
        kept = [c for c in candidates if c.kept]
        if not kept:
            raise self._nothing_fits(call.lane, candidates)
        reasons = list(call.reasons)
        chosen = kept[0]
        pinned = escalated = False
        if requested_model is not None and chosen.model == requested_model:
            reasons.append(f"requested model {requested_model} honoured")
        elif requested_model is not None:
            reasons.append(f"requested model {requested_model} dropped: {candidates[0].why}")
        elif chosen.model == lane_policy.owner:
            reasons.append(f"{chosen.model} owns lane {call.lane.value}: {lane_policy.why}")
        else:
            owner = next(c for c in candidates if c.model == lane_policy.owner)
            reasons.append(
                f"lane owner {owner.model} dropped ({owner.why}); next candidate {chosen.model} serves"
            )
        if escalate is not None or pinned_model is not None:
            by_name = {c.model: c for c in kept}
            target = self.settings.escalation_model
            if escalate is not None and chosen.model != target and target in by_name:
                chosen, escalated = by_name[target], True
                reasons.append(f"escalated to {target}: {escalate}")
            elif escalate is not None and chosen.model != target:
                dropped = next(
                    (c.why for c in candidates if c.model == target),
                    f"not a candidate for lane {call.lane.value}",
                )
                reasons.append(f"escalation to {target} ({escalate}) not possible: {dropped}")
            elif pinned_model is not None and pinned_model in by_name:
                if chosen.model != pinned_model:
                    reasons.append(f"pinned to {pinned_model} for the session (keeps the cache discount)")
                chosen, pinned = by_name[pinned_model], True
        if chosen.stripped_tools:
            source = (
                "operator allows"
                if self._strippable.issuperset(chosen.stripped_tools)
                else "the Codex CLI declares it on every turn; policy.codex_strip_hosted_tools"
            )
            reasons.append(f"strips hosted tool {', '.join(chosen.stripped_tools)} ({source})")
        card = self.catalog.models[chosen.model]
        return Decision(
            lane=call.lane,
            model=chosen.model,
            confidence=call.confidence,
            reasons=tuple(reasons),
            candidates=tuple(candidates),
            estimated_cost_usd=self.estimate_cost(card, profile, cached_tokens),
            estimated_input_tokens=profile.estimated_input_tokens,
            forced=call.forced,
            pinned=pinned,
            escalated=escalated,
            low_confidence=call.low_confidence,
            requested_model=requested_model,
            stripped_tools=chosen.stripped_tools,
            session_key=profile.session_key,
            surface=profile.surface,
        )

    def _nothing_fits(self, lane: Lane, candidates: list[Candidate]) -> Exception:
        detail = "; ".join(f"{c.model} {c.why}" for c in candidates)
        if all("context window" in c.why or "max output" in c.why for c in candidates):
            return ContextLengthError(
                f"This request is too long for every candidate model: {detail}", param="input"
            )
        return NoCandidateError(f"No model can serve lane {lane.value}: {detail}")
