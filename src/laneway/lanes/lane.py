"""The seven lanes of work and the surfaces a request can come from."""

from __future__ import annotations

from enum import StrEnum


class Lane(StrEnum):
    ROUTINE = "routine"
    SUBAGENT = "subagent"
    COMPUTER_USE = "computer_use"
    TERMINAL = "terminal"
    DEEP_CODING = "deep_coding"
    CODE_REVIEW = "code_review"
    CLOUD_TASK = "cloud_task"

    @classmethod
    def parse(cls, value: str) -> Lane:
        """Parse a lane name, accepting ``-`` for ``_``; raises ``ValueError`` naming the lanes."""
        try:
            return cls(value.strip().lower().replace("-", "_"))
        except ValueError:
            known = ", ".join(lane.value for lane in cls)
            raise ValueError(f"unknown lane {value!r} (known: {known})") from None


#: Lanes a text classifier can predict (the others come from structure only).
TEXT_LANES: tuple[Lane, ...] = (
    Lane.ROUTINE,
    Lane.COMPUTER_USE,
    Lane.TERMINAL,
    Lane.DEEP_CODING,
    Lane.CODE_REVIEW,
)


class Surface(StrEnum):
    """Where a request runs: the plain API, or one of the Codex product surfaces."""

    API = "api"
    CODEX_LOCAL = "codex-local"
    CODEX_CLOUD = "codex-cloud"
    CODEX_REVIEW = "codex-review"

    @classmethod
    def parse(cls, value: str) -> Surface:
        try:
            return cls(value.strip().lower().replace("_", "-"))
        except ValueError:
            known = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown surface {value!r} (known: {known})") from None
