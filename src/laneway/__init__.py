"""laneway: give each model the lane of work it is best at.

The decision engine is importable on its own and does no I/O::

    import laneway
    engine = laneway.Engine.default()
    decision = engine.decide({"model": "laneway/auto", "messages": [...]}, endpoint="chat")
    print(decision.lane, decision.model, decision.reasons)
"""

from __future__ import annotations

from laneway.engine import Engine
from laneway.lanes.lane import Lane, Surface
from laneway.policy import Decision

__all__ = ["Decision", "Engine", "Lane", "Surface", "decide"]
__version__ = "0.1.0"


def decide(
    body: dict[str, object],
    *,
    endpoint: str = "responses",
    headers: dict[str, str] | None = None,
) -> Decision:
    """Decide one request with the built-in catalog, policy and classifier.

    Builds a default :class:`Engine` each call; hold an ``Engine`` yourself on a hot path.
    """
    return Engine.default().decide(body, endpoint=endpoint, headers=headers)
