"""One request's standing with :class:`~laneway.admission.Admission`: who calls, what it holds.

The proxy handler builds a :class:`RequestAdmission` right after reading the body
(:meth:`RequestAdmission.authenticate`: 401 before any other work) and then:

- routes with :attr:`RequestAdmission.exclude` (models the key may not use are left out, with
  that reason in the decision);
- :meth:`admit` the route (403 / 429 / 503); a model whose TPM headroom is gone spills to the
  next candidate when the lane allows it, and the decision says so;
- passes :meth:`fallback` to the dispatcher and calls :meth:`escalate` before the verification
  retry: every other model is admitted again (permissions, rate, budget) before it is tried;
- :meth:`close` in a ``finally`` with the exchange: settles the real cost (streams, failures and
  cancelled requests included: whatever the exchange accounted).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from laneway.admission import Admission, KeyContext, Reservation
from laneway.errors import HTTPError, LimitsUnavailableError, ModelSaturatedError

if TYPE_CHECKING:
    from laneway.gateway.accounting import Exchange
    from laneway.gateway.http import Headers
    from laneway.gateway.routing import Route, Router

log = logging.getLogger("laneway.gateway")
NOT_ALLOWED = "not allowed for this key"


class RequestAdmission:
    __slots__ = (
        "admission", "charged_tokens", "charged_usd", "ctx", "exclude", "input_tokens", "lane",
        "max_output_tokens", "reservation",
    )  # fmt: skip

    def __init__(self, admission: Admission, ctx: KeyContext) -> None:
        self.admission = admission
        self.ctx = ctx
        allowed = admission.allowed_models(ctx)
        #: Models to leave out of the decision, and why (empty for most keys).
        self.exclude: dict[str, str] = (
            {} if allowed is None else {m: NOT_ALLOWED for m in admission.catalog.models if m not in allowed}
        )
        self.reservation: Reservation | None = None
        self.lane = "unrouted"
        self.input_tokens = 0
        self.max_output_tokens: int | None = None
        self.charged_usd = 0.0  # settled already (a reply replaced by an escalation)
        self.charged_tokens = 0

    @classmethod
    async def authenticate(cls, admission: Admission, authorization: str | None) -> RequestAdmission:
        """401 (OpenAI's shape) without a valid key."""
        return cls(admission, await admission.authenticate(authorization))

    @property
    def pending(self) -> bool:
        """A reservation is held: :meth:`close` has something to settle."""
        return self.reservation is not None

    @property
    def settles_inline(self) -> bool:
        """In-process limits settle without suspending, so no second cancel can cut :meth:`close`
        short and it needs no shielded task of its own (Redis does: it awaits a round trip)."""
        return not self.admission.limits.shared

    @property
    def key_id(self) -> str | None:
        return self.ctx.key_id

    def rate_headers(self) -> Headers:
        """``x-ratelimit-*`` of what is admitted now (the key's limits, else the model's tokens)."""
        res = self.reservation
        return [] if res is None else [(k.encode(), v.encode()) for k, v in res.headers.items()]

    def check_requested(self, model: str) -> None:
        """403 when the client names a concrete model the key may not use."""
        self.admission.check_model(self.ctx, model)

    async def admit(self, route: Route, router: Router) -> Route:
        """Admit ``route``'s model, spilling past models whose TPM is gone when the lane allows."""
        profile = route.profile
        self.input_tokens = profile.estimated_input_tokens
        self.max_output_tokens = profile.max_output_tokens
        exclude = dict(self.exclude)
        while True:
            self.lane = route.lane
            try:
                self.reservation = await self._admit(route.model)
            except ModelSaturatedError as exc:
                if not exc.spill_allowed or route.decision is None:
                    raise
                exclude[exc.model] = f"spilled: TPM for tier {self.admission.tier} used up"
                try:
                    route = await router.reroute(route, exclude)
                except HTTPError:
                    raise exc from None  # nothing else can serve the lane: the 429 stands
                continue
            return route

    async def _admit(self, model: str) -> Reservation:
        return await self.admission.admit_request(
            self.ctx, model=model, lane=self.lane, input_tokens=self.input_tokens,
            max_output_tokens=self.max_output_tokens,
        )  # fmt: skip

    async def fallback(self, model: str) -> str | None:
        """Before the dispatcher falls back to ``model``: release the failed attempt, admit again.

        Returns why ``model`` may not be tried (the dispatcher skips it), or ``None``.
        """
        await self._settle(0.0, 0, requests_back=1)
        return await self._switch(model)

    async def escalate(self, model: str, *, cost_usd: float, tokens: int) -> str | None:
        """Before the verification retry on ``model``: charge the reply it replaces, admit again."""
        await self._settle(cost_usd, tokens, requests_back=1)
        self.charged_usd += cost_usd
        self.charged_tokens += tokens
        return await self._switch(model)

    async def _switch(self, model: str) -> str | None:
        try:
            self.reservation = await self._admit(model)
        except HTTPError as exc:  # 403 / 429 / 503 from admission: this model is not for us
            return f"{type(exc).__name__}: {exc.message}"
        return None

    async def close(self, exchange: Exchange) -> None:
        """Settle what the exchange really cost (after accounting priced it)."""
        usage = exchange.usage + exchange.prior_usage
        tokens = usage.input_tokens + usage.output_tokens - self.charged_tokens
        await self._settle(max(0.0, exchange.cost_usd - self.charged_usd), max(0, tokens))

    async def _settle(self, cost_usd: float, tokens: int, *, requests_back: int = 0) -> None:
        res, self.reservation = self.reservation, None
        if res is None:
            return
        try:
            await self.admission.settle(
                res, actual_cost_usd=cost_usd, actual_tokens=tokens, requests_back=requests_back
            )
        except LimitsUnavailableError as exc:
            log.warning("could not settle a reservation (%s): it stays counted until its period ends", exc)
