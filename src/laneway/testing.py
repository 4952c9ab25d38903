"""Fakes for testing code that uses laneway (and laneway itself), like ``structlog.testing``.

* :class:`SimulatedServer` / :class:`SimulatedSettings`: a real local HTTP server speaking OpenAI's
  wire (Chat and Responses, streamed and not) with latency and failure injection.
* :class:`ScriptedUpstream`: a simulated server whose replies follow a script,
  ``ScriptedUpstream([429, 500, "ok"])``; steps are a status, ``"ok"``, ``"midstream"`` (the body
  breaks half-way) or ``"stall"`` (no first byte, for timeouts).
* :class:`MemoryLedger`: a spend ledger kept in a list.
* :class:`ManualClock`: injected time that moves only when told to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from laneway.ledger.memory import MemoryLedger
from laneway.upstream.openai import OpenAIUpstream
from laneway.upstream.simulated import RecordedRequest, ScriptStep, SimulatedServer, SimulatedSettings

__all__ = [
    "ManualClock",
    "MemoryLedger",
    "RecordedRequest",
    "ScriptedUpstream",
    "SimulatedServer",
    "SimulatedSettings",
]


class ScriptedUpstream(SimulatedServer):
    """A :class:`SimulatedServer` that plays ``script`` first, one step per request, then says "ok".

    ::

        async with ScriptedUpstream([429, 500, "ok"]) as fake:
            upstream = fake.client()  # an OpenAIUpstream pointed at the fake
    """

    def __init__(self, script: Iterable[ScriptStep], settings: SimulatedSettings | None = None) -> None:
        for step in script:
            _check_step(step)
        base = settings or SimulatedSettings()
        steps = tuple(base.script) + tuple(script)
        super().__init__(SimulatedSettings(**{**_fields(base), "script": steps}))

    def client(self, name: str = "scripted", **options: Any) -> OpenAIUpstream:
        """An :class:`OpenAIUpstream` for this fake (``options`` go to its constructor)."""
        return OpenAIUpstream(name, self.base_url, "sk-laneway-test", **options)


def _check_step(step: object) -> None:
    if isinstance(step, bool) or not isinstance(step, int | str):
        raise TypeError(f"script step {step!r}: expected a status code or 'ok'/'midstream'/'stall'")
    if isinstance(step, str) and step not in ("ok", "midstream", "stall"):
        raise ValueError(f"script step {step!r}: expected 'ok', 'midstream' or 'stall'")


def _fields(settings: SimulatedSettings) -> Mapping[str, Any]:
    return {name: getattr(settings, name) for name in settings.__struct_fields__}


class ManualClock:
    """Time for tests: ``now()`` returns what you set; it moves only with :meth:`advance`."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def __call__(self) -> float:  # usable wherever a ``Callable[[], float]`` clock is injected
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not go backwards")
        self._now += seconds
