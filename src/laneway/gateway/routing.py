"""Routing: one request body -> a :class:`Route` (what to serve, in which order, and why).

``model`` in the auto aliases asks the engine to route; ``laneway/<lane>`` forces a lane (the
profile reads it); a concrete model is honoured but checked against the constraints. In ``shadow``
mode a concrete model is served as asked and the engine's decision is only recorded; in ``off``
mode a concrete model is forwarded without a decision. Sessions pin their model and carry a sticky
escalation into the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from random import getrandbits
from typing import Any

from laneway.config import ServerSettings
from laneway.engine import Engine
from laneway.errors import HTTPError, NotFoundError
from laneway.lanes.profile import LANE_MODEL_PREFIX, RequestProfile
from laneway.policy import Decision
from laneway.sessions.base import SessionStore

_ESCALATED_PREFIX = "escalated to "


@dataclass(slots=True)  # not frozen: built per request, and frozen init costs ~0.25 us a field
class Route:
    chain: tuple[str, ...]  # models to try, in order (the first is the decision's)
    lane: str
    confidence: float
    reason: str
    decision_id: str
    profile: RequestProfile
    decision: Decision | None = None  # None when routing is off for this request
    escalation_cause: str | None = None  # set when this request runs escalated
    shadow: Decision | None = None  # shadow mode: what laneway would have done

    @property
    def model(self) -> str:
        return self.chain[0]


def new_id(prefix: str) -> str:
    """``prefix`` + 96 random bits in hex: request and decision ids, unique, not secrets.

    From the process's Mersenne Twister (seeded from the OS at start and again after a fork),
    not ``os.urandom``: that is a getrandom system call per id, 1.4% of the event loop's samples
    at 50 connections (py-spy), against ~0.3 us here.
    """
    return f"{prefix}{getrandbits(96):024x}"


class Router:
    __slots__ = ("engine", "escalation_model", "served_models", "server", "sessions")

    def __init__(
        self, engine: Engine, server: ServerSettings, sessions: SessionStore, served_models: set[str]
    ) -> None:
        self.engine = engine
        self.server = server
        self.sessions = sessions
        self.served_models = served_models
        self.escalation_model = engine.settings.escalation_model

    def is_routed(self, model: str) -> bool:
        return model in self.server.auto_aliases or model.startswith(LANE_MODEL_PREFIX)

    async def route(
        self,
        body: Mapping[str, Any],
        endpoint: str,
        headers: Mapping[str, str],
        *,
        exclude: Mapping[str, str] | None = None,
    ) -> Route:
        """Decide ``body``; ``exclude`` maps models to leave out to why (e.g. the key may not use them)."""
        profile = self.engine.profile(body, endpoint=endpoint, headers=headers)
        model: str = body["model"]
        routed = self.is_routed(model)
        if not routed and self.server.routing != "route":
            return self._passthrough(profile, model)
        return await self._decide(profile, None if routed else model, exclude or {})

    async def reroute(self, route: Route, exclude: Mapping[str, str]) -> Route:
        """Decide ``route``'s request again without the ``exclude``d models (a spill)."""
        requested = route.decision.requested_model if route.decision is not None else route.model
        return await self._decide(route.profile, requested, exclude)

    async def _decide(
        self, profile: RequestProfile, requested: str | None, exclude: Mapping[str, str]
    ) -> Route:
        key = profile.session_key
        state = await self.sessions.get(key) if key else None
        decision = self.engine.decide_profile(
            profile,
            requested_model=requested,
            # explicit lane hints win over the pin; a concrete model is the client's own choice
            pinned_model=(
                state.pinned_model if state and requested is None and profile.lane_hint is None else None
            ),
            escalate=state.escalation_cause if state is not None else None,
            exclude=exclude,
        )
        cause = state.escalation_cause if state is not None and decision.escalated else None
        if decision.escalated and cause is None:  # the engine escalated on the history itself
            cause = next(
                (r.partition(": ")[2] for r in decision.reasons if r.startswith(_ESCALATED_PREFIX)),
                "escalated by policy",
            )
            if key:
                await self.sessions.escalate(key, decision.model, cause)
        elif key and (state is None or state.pinned_model is None):
            await self.sessions.pin(key, decision.model)
        return Route(
            chain=(decision.model, *decision.fallbacks), lane=decision.lane.value,
            confidence=decision.confidence, reason=decision.reason, decision_id=new_id("dec_"),
            profile=profile, decision=decision, escalation_cause=cause,
        )  # fmt: skip

    def _passthrough(self, profile: RequestProfile, model: str) -> Route:
        if model not in self.engine.catalog.models and model not in self.served_models:
            raise NotFoundError(
                f"The model '{model}' does not exist in laneway's catalog",
                param="model", code="model_not_found",
            )  # fmt: skip
        shadow: Decision | None = None
        reason = "routing off: requested model forwarded"
        if self.server.routing == "shadow":
            try:
                shadow = self.engine.decide_profile(profile)
            except HTTPError as exc:
                reason = f"shadow: requested model served; laneway could not route: {exc.message}"
            else:
                reason = f"shadow: requested model served; laneway would choose {shadow.model}"
        lane = shadow.lane.value if shadow is not None else "unrouted"
        confidence = shadow.confidence if shadow is not None else 0.0
        return Route(
            chain=(model,), lane=lane, confidence=confidence, reason=reason,
            decision_id=new_id("dec_"), profile=profile, shadow=shadow,
        )  # fmt: skip
