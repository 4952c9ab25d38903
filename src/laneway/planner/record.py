"""The unit every reader yields: one unit of work (a request, a Codex turn or a ledger row).

Readers never decide anything. A :class:`Record` carries either a :class:`RequestProfile` (the
planner runs the engine's profile -> classify -> policy path on it) or, for a ledger row, the lane
and model the gateway already decided with that same path. A :class:`BadLine` is a line or row that
could not be read; the run counts it and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import msgspec

from laneway.cost import Usage
from laneway.lanes.lane import Lane, Surface
from laneway.lanes.profile import RequestProfile


class InputFormat(StrEnum):
    OPENAI = "openai"
    CODEX = "codex"
    LEDGER = "ledger"


class UsageSource(StrEnum):
    """Where a record's token counts come from (the report says which)."""

    RESPONSE = "response"  # the logged OpenAI response's usage object
    ROLLOUT = "rollout"  # Codex token_count events (last_token_usage per model call)
    LEDGER = "ledger"  # laneway's ledger row (what the upstream reported)
    ESTIMATED = "estimated"  # no usage logged: the engine's pre-call estimate


@dataclass(frozen=True, slots=True)
class Served:
    """A decision the gateway already made (ledger rows): nothing to re-decide."""

    lane: Lane
    model: str
    cost_usd: float
    shadow_lane: Lane | None = None  # shadow mode: what laneway would have done
    shadow_model: str | None = None
    mode: str = "route"


class Record(msgspec.Struct, frozen=True, gc=False):
    """One unit of work (no reference cycles: untracked by the garbage collector)."""

    source: str  # file the record came from
    line: int  # 1-based line (or row number for a ledger)
    format: InputFormat
    usage: Usage
    usage_source: UsageSource
    ts: float | None = None  # unix seconds; None when the input carries no time
    requests: int = 1  # model calls behind this record (a Codex turn may make several)
    profile: RequestProfile | None = None
    served: Served | None = None
    logged_model: str | None = None  # the model the log says was used (for reference only)

    @property
    def surface(self) -> Surface:
        return self.profile.surface if self.profile is not None else Surface.API


@dataclass(frozen=True, slots=True)
class BadLine:
    source: str
    line: int
    error: str

    def to_dict(self) -> dict[str, object]:
        return {"file": self.source, "line": self.line, "error": self.error}
