"""Config section for rate limits and budget reservations (``limits:`` in the YAML)."""

from __future__ import annotations

from typing import Literal

import msgspec

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
    #: Lanes that may spill to their next candidate model when the owner's TPM headroom is gone.
    spill_lanes: list[Lane] = msgspec.field(default_factory=_default_spill_lanes)
