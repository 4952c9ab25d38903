"""Admission: who is calling, may they use this model and lane, and is there budget and rate left.

The gateway holds one :class:`Admission` (built by :meth:`Admission.open` at start) and calls, per
request::

    ctx = await admission.authenticate(headers.get("authorization"))        # 401
    ...decide...
    res = await admission.admit_decision(ctx, decision, max_output_tokens=...)   # 403 / 429 / 503
    ...dispatch...           # every fallback / escalation: settle the reservation of the
                             # attempt it replaces (0 for a failed one), then admit the new model
    await admission.settle(res, actual_cost_usd=..., actual_tokens=...)    # in a finally

At start: :func:`check_workers` (``--workers N`` with in-process limits), :func:`check_bind`
(``auth.mode: none`` off loopback) and :meth:`Admission.open` (which resolves ``auth.mode: auto``:
``none`` on a loopback bind, ``keys`` elsewhere); :meth:`Admission.close` at shutdown.

:meth:`Admission.admit` re-checks the key's models and lanes itself, so no path (fallback,
escalation, spill) can reach a model without the check. When a model's TPM headroom is gone it
raises :class:`ModelSaturatedError` with ``spill_allowed``: the gateway re-decides with
``exclude={exc.model}`` and admits the new decision, or returns the error (429) as it is.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NoReturn

from laneway.cost import Usage, cost_usd
from laneway.errors import (
    AuthenticationError,
    BudgetExhaustedError,
    ConfigError,
    ModelSaturatedError,
    PermissionDeniedError,
    RateLimitedError,
)
from laneway.keys.cache import KeyCache
from laneway.keys.model import hash_key, hashes_equal, period_end, period_key, well_formed
from laneway.limits.base import (
    Bucket,
    BudgetAsk,
    BudgetReservation,
    Limits,
    Settlement,
    Take,
    Taken,
)

if TYPE_CHECKING:
    from laneway.catalog.model import Catalog
    from laneway.config import Config
    from laneway.keys.model import VirtualKey
    from laneway.keys.service import KeyService
    from laneway.keys.settings import AuthMode
    from laneway.limits.settings import LimitsSettings
    from laneway.policy import Decision

__all__ = [
    "Admission",
    "BudgetExhaustedError",
    "KeyContext",
    "ModelSaturatedError",
    "RateLimitedError",
    "Reservation",
    "check_bind",
    "check_workers",
    "effective_mode",
]

log = logging.getLogger("laneway.admission")

MISSING_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header "
    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
)
INCORRECT_KEY = "Incorrect API key provided."


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KeyContext:
    """Who is calling. ``key`` is set for a virtual key; master and anonymous have none."""

    kind: Literal["key", "master", "anonymous"]
    key: VirtualKey | None = None

    @property
    def key_id(self) -> str | None:
        """What the ledger records (never the key itself)."""
        if self.key is not None:
            return self.key.id
        return "master" if self.kind == "master" else None

    @property
    def is_master(self) -> bool:
        return self.kind == "master"


@dataclass(slots=True)
class Reservation:
    """What :meth:`Admission.admit` took; :meth:`Admission.settle` gives back the unused part."""

    ctx: KeyContext
    model: str
    lane: str
    est_tokens: int
    max_cost_usd: float
    now: float
    budget: BudgetReservation | None = None
    #: The buckets admission took from (the model's TPM, the key's RPM/TPM): settle gives back.
    buckets: tuple[Bucket, ...] = ()
    #: ``x-ratelimit-*`` headers for the reply (the key's limits, else the model's tokens).
    headers: dict[str, str] = field(default_factory=dict)
    settled: bool = False


#: KeyContext is frozen: one instance each for the callers without a virtual key.
MASTER = KeyContext("master")
ANONYMOUS = KeyContext("anonymous")


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def effective_mode(config: Config, host: str) -> AuthMode:
    """The mode in force on ``host``: ``auto`` is ``none`` on a loopback bind, ``keys`` elsewhere."""
    return config.auth.mode_on(host)


def check_bind(config: Config, host: str) -> None:
    """``auth: none`` serves anyone who can connect: only on a loopback address."""
    config.auth.check_bind(host)


def check_workers(config: Config, workers: int) -> None:
    """Several workers with in-process limits would each keep their own budgets and limits."""
    config.limits.check_workers(workers)


class Admission:
    """Authentication, key permissions, rate limits and budget reservations for one process."""

    def __init__(
        self,
        *,
        mode: AuthMode,
        keys: KeyCache | None,
        secret: bytes,
        master_key: str | None,
        limits: Limits,
        catalog: Catalog,
        settings: LimitsSettings,
        tier: int = 1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if mode == "keys" and keys is None:
            raise ConfigError("auth.mode", "'keys' needs a key store")
        if mode == "master" and master_key is None:
            raise ConfigError("auth.mode", "'master' needs a master key (auth.master_key_env)")
        self.mode = mode
        self.keys = keys
        self._secret = secret
        self._master = master_key.encode("utf-8") if master_key else None
        self.limits = limits
        self.catalog = catalog
        self.settings = settings
        self.tier = tier
        self.clock = clock
        #: The ``model:<name>`` bucket per model (frozen; built once instead of per request).
        self._model_buckets: dict[str, Bucket | None] = {}

    @classmethod
    async def open(
        cls,
        config: Config,
        catalog: Catalog,
        *,
        host: str | None = None,
        tier: int = 1,
        clock: Callable[[], float] = time.time,
        env: Mapping[str, str] | None = None,
    ) -> Admission:
        """Build from config: key store (started), cache, secret, master key, limits backend.

        ``host`` is the address the server binds (default ``server.host``): it resolves
        ``auth.mode: auto`` and refuses ``none`` off loopback.
        """
        from laneway.keys.base import open_key_store
        from laneway.keys.service import load_master_key, load_secret
        from laneway.limits.base import open_limits

        auth = config.auth
        bind = host or config.server.host
        check_bind(config, bind)
        mode = effective_mode(config, bind)
        master = load_master_key(auth, env=env)
        cache: KeyCache | None = None
        secret = b""
        if mode == "keys":
            secret = load_secret(auth, env=env)
            store = open_key_store(config.keys, env=None if env is None else dict(env))
            await store.start()
            cache = KeyCache(store, ttl_s=auth.cache_ttl_s, max_entries=auth.cache_size, clock=clock)
        limits = open_limits(config.limits, env=env)
        return cls(
            mode=mode, keys=cache, secret=secret, master_key=master, limits=limits,
            catalog=catalog, settings=config.limits, tier=tier, clock=clock,
        )  # fmt: skip

    async def close(self) -> None:
        await self.limits.close()
        if self.keys is not None:
            await self.keys.store.close()

    # -- who ------------------------------------------------------------------------------------
    async def authenticate(self, authorization: str | None) -> KeyContext:
        """The caller behind an ``Authorization: Bearer ...`` header, or 401."""
        token = _bearer(authorization)
        if self.mode == "none":  # the master key still opens the admin API
            return MASTER if token is not None and self._is_master(token) else ANONYMOUS
        if token is None:
            raise AuthenticationError(MISSING_KEY)
        if self._is_master(token):
            return MASTER
        if self.mode == "master" or self.keys is None or not well_formed(token):
            raise AuthenticationError(INCORRECT_KEY)
        digest = hash_key(self._secret, token)
        key = await self.keys.lookup(digest)
        if key is None or not hashes_equal(key.key_hash, digest):
            raise AuthenticationError(INCORRECT_KEY)
        if key.revoked:
            raise AuthenticationError("This API key has been revoked.")
        if key.expired(self.clock()):
            raise AuthenticationError("This API key has expired.")
        return KeyContext("key", key)

    def _is_master(self, token: str) -> bool:
        return self._master is not None and hmac.compare_digest(token.encode("utf-8"), self._master)

    def key_service(self) -> KeyService | None:
        """Create/list/revoke against this process's store (``None`` unless ``auth.mode: keys``)."""
        if self.keys is None:
            return None
        from laneway.keys.service import KeyService

        return KeyService(
            self.keys.store, self._secret, clock=self.clock, known_models=set(self.catalog.models),
            cache=self.keys,
        )  # fmt: skip

    def require_master(self, ctx: KeyContext) -> None:
        """The admin API (``/admin/keys``) opens only to the master key."""
        if not ctx.is_master:
            raise PermissionDeniedError("Only the master key may use the admin API.")

    # -- what -----------------------------------------------------------------------------------
    def check_model_and_lane(self, ctx: KeyContext, model: str, lane: str) -> None:
        """403 when the key may not use ``model`` or ``lane``."""
        self.check_model(ctx, model)
        key = ctx.key
        if key is not None and not key.allows_lane(lane):
            raise PermissionDeniedError(
                f"This key may not use lane {lane!r} (allowed: {', '.join(key.lanes)})", param="model"
            )

    def check_model(self, ctx: KeyContext, model: str) -> None:
        """403 when the key may not use ``model``."""
        key = ctx.key
        if key is not None and not key.allows_model(model):
            raise PermissionDeniedError(
                f"This key may not use model {model!r} (allowed: {', '.join(key.models)})", param="model"
            )

    def allowed_models(self, ctx: KeyContext) -> frozenset[str] | None:
        """Models the key may use (``None``: all); the gateway can ``exclude`` the rest up front."""
        return None if ctx.key is None or not ctx.key.models else frozenset(ctx.key.models)

    def max_cost_usd(self, model: str, input_tokens: int, max_output_tokens: int | None) -> float:
        """The most a request can cost on ``model``: what a budget reservation holds."""
        card = self.catalog.models.get(model)
        if card is None:  # served but not priced (``price`` is 0 for it too)
            return 0.0
        output = max_output_tokens or self.settings.reserve_output_tokens or card.max_output_tokens
        return cost_usd(card, Usage(input_tokens, 0, min(output, card.max_output_tokens)))

    def estimate_tokens(self, input_tokens: int, max_output_tokens: int | None) -> int:
        """Tokens a TPM acquire takes before the reply (settled to the real count after)."""
        return input_tokens + (max_output_tokens or self.settings.estimate_output_tokens)

    async def admit_decision(
        self, ctx: KeyContext, decision: Decision, *, max_output_tokens: int | None, model: str | None = None
    ) -> Reservation:
        """:meth:`admit` for ``decision`` (or one of its fallbacks, ``model``)."""
        return await self.admit_request(
            ctx, model=model or decision.model, lane=decision.lane.value,
            input_tokens=decision.estimated_input_tokens, max_output_tokens=max_output_tokens,
        )  # fmt: skip

    async def admit_request(
        self, ctx: KeyContext, *, model: str, lane: str, input_tokens: int, max_output_tokens: int | None
    ) -> Reservation:
        """:meth:`admit` for a request of ``input_tokens`` (estimated) on ``model``."""
        return await self.admit(
            ctx,
            model=model,
            lane=lane,
            max_cost_usd=self.max_cost_usd(model, input_tokens, max_output_tokens),
            est_tokens=self.estimate_tokens(input_tokens, max_output_tokens),
        )

    async def admit(
        self, ctx: KeyContext, *, model: str, lane: str, max_cost_usd: float, est_tokens: int
    ) -> Reservation:
        """Check permissions, take model TPM, key RPM/TPM and budget -- all or none, in one step
        (one Redis round trip).

        Raises 403 :class:`PermissionDeniedError`, 429 :class:`ModelSaturatedError` (spill hint),
        429 :class:`RateLimitedError`, 429 :class:`BudgetExhaustedError`, 503
        :class:`LimitsUnavailableError` (fail closed).
        """
        self.check_model_and_lane(ctx, model, lane)
        now = self.clock()
        res = Reservation(ctx, model, lane, est_tokens, max_cost_usd, now)
        key = ctx.key
        buckets: list[Bucket] = []
        model_bucket = self._model_bucket(model)
        if model_bucket is not None:
            buckets.append(model_bucket)
        if key is not None and (key.rpm is not None or key.tpm is not None):
            buckets.append(Bucket(f"key:{key.id}", key.rpm, key.tpm))
        ask = None
        if key is not None and key.budget_usd is not None:
            ask = BudgetAsk(
                key.id, period_key(key.period, now), key.budget_usd, max_cost_usd, period_end(key.period, now)
            )
        if not buckets and ask is None:
            return res
        res.buckets = tuple(buckets)
        got = await self.limits.admit(Take(res.buckets, est_tokens, now, ask))
        if not got.ok:
            self._refuse(res, got, ask)
        res.headers = got.headers()
        res.budget = None if got.budget is None else got.budget.reservation
        return res

    def _model_bucket(self, model: str) -> Bucket | None:
        try:
            return self._model_buckets[model]
        except KeyError:
            pass
        card = self.catalog.models.get(model)
        tpm = card.tpm_by_tier.get(self.tier) if card is not None and self.settings.model_tpm else None
        bucket = None if tpm is None else Bucket(f"model:{model}", None, tpm)
        self._model_buckets[model] = bucket
        return bucket

    def _refuse(self, res: Reservation, got: Taken, ask: BudgetAsk | None) -> NoReturn:
        if got.refused_by is not None:
            bucket, (rate,) = res.buckets[got.refused_by], got.rates
            if bucket.name.startswith("model:"):
                raise ModelSaturatedError(
                    f"Rate limit reached for {res.model} (tier {self.tier}): tokens per min {bucket.tpm}. "
                    f"Please try again in {rate.retry_after_s:.3g}s.",
                    model=res.model, lane=res.lane, spill_allowed=res.lane in self.settings.spill_lanes,
                    retry_after_s=rate.retry_after_s, rate_headers=rate.headers(),
                )  # fmt: skip
            key_id = bucket.name.removeprefix("key:")
            limit = (
                f"requests per min {bucket.rpm}"
                if rate.remaining_requests == 0
                else f"tokens per min {bucket.tpm}"
            )
            raise RateLimitedError(
                f"Rate limit reached for key {key_id}: {limit}. "
                f"Please try again in {rate.retry_after_s:.3g}s.",
                retry_after_s=rate.retry_after_s, rate_headers=rate.headers(),
            )  # fmt: skip
        key, check = res.ctx.key, got.budget
        assert key is not None and ask is not None and check is not None  # only a key has a budget
        log.info("budget refused key=%s window=%s used=%.6f", key.id, ask.period_key, check.used_usd)
        raise BudgetExhaustedError(
            f"You exceeded your current quota: key {key.id} has ${check.remaining_usd:.6f} left "
            f"of its ${key.budget_usd:g} {key.period.value} budget and this request may cost up "
            f"to ${res.max_cost_usd:.6f}.",
            key_id=key.id, resets_at=ask.expires_at,
        )  # fmt: skip

    async def settle(
        self, reservation: Reservation, *, actual_cost_usd: float, actual_tokens: int, requests_back: int = 0
    ) -> None:
        """After the reply (or failure: cost 0): charge the real cost, release the rest (one step).

        ``requests_back=1`` also returns the request to the key's RPM: the attempt is replaced by
        another one for the same client request (a fallback or an escalation admits it again).
        Settling twice is a no-op. Raises :class:`LimitsUnavailableError` when the limits store is
        unreachable (the reservation then stays counted: fail closed).
        """
        if reservation.settled:
            return
        reservation.settled = True
        back = reservation.est_tokens - actual_tokens
        buckets = reservation.buckets if back or requests_back else ()
        if not buckets and reservation.budget is None:
            return
        await self.limits.settle(
            Settlement(buckets, requests_back, back, self.clock(), reservation.budget, actual_cost_usd)
        )
