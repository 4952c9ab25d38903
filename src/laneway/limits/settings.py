"""Config section for rate limits and budget reservations (``limits:`` in the YAML)."""

from __future__ import annotations

from typing import Literal

import msgspec

from laneway.errors import ConfigError
from laneway.lanes.lane import Lane

LimitsBackend = Literal["memory", "redis"]


def _default_spill_lanes() -> list[Lane]:
    return [lane for lane in Lane if lane is not Lane.CLOUD_TASK]


class LimitsSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """``memory``: one worker process (the default). ``redis``: several workers or replicas."""

    backend: LimitsBackend = "memory"
    #: Used when ``backend: redis``; empty means the environment variable ``redis_url_env``.
    redis_url: str | None = None
    redis_url_env: str = "LANEWAY_REDIS_URL"
    #: Prefix of every Redis key laneway writes (several deployments can share one Redis).
    redis_prefix: str = "laneway:"
    #: Enforce each upstream model's TPM for the account's tier (catalog ``tpm_by_tier``).
    model_tpm: bool = True
    #: Output tokens a budget reservation assumes when a request sets no maximum. Empty: the
    #: model's maximum output (never under-reserves; a large share of a small budget per request).
    reserve_output_tokens: int | None = None
    #: Output tokens a TPM acquire assumes when a request sets no maximum (settled to the real use).
    estimate_output_tokens: int = 1000
    #: Lanes that may spill to their next candidate model when the owner's TPM headroom is gone.
    spill_lanes: list[Lane] = msgspec.field(default_factory=_default_spill_lanes)

    def __post_init__(self) -> None:
        if self.reserve_output_tokens is not None and self.reserve_output_tokens < 1:
            raise ValueError(f"reserve_output_tokens must be >= 1 (got {self.reserve_output_tokens})")
        if self.estimate_output_tokens < 0:
            raise ValueError(f"estimate_output_tokens must be >= 0 (got {self.estimate_output_tokens})")

    def check_workers(self, workers: int) -> None:
        """``--workers N`` with in-process limits would multiply every budget and limit by N."""
        if workers > 1 and self.backend == "memory":
            raise ConfigError(
                "limits.backend",
                f"--workers {workers} with the in-process limits backend would multiply every budget "
                f"and rate limit by {workers}; set limits.backend: redis (and limits.redis_url or "
                f"${self.redis_url_env}) to share them, or run one worker",
            )
