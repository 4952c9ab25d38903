"""Deployments (a provider serving a catalog model) and their cooldowns.

A deployment that fails ``failures`` times in a row rests for ``cooldown_s`` seconds: requests skip
it (fall back) instead of paying a timeout each. One success resets its count. Time is injected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from laneway.upstream.base import Upstream


@dataclass(frozen=True, slots=True)
class Deployment:
    provider: str
    model: str  # catalog name
    upstream_model: str  # the name sent upstream
    upstream: Upstream
    first_byte_timeout_s: float

    @property
    def key(self) -> str:
        return f"{self.provider}/{self.model}"


class Cooldowns:
    """This process's view of which deployments rest; ``on_start`` hears of each new cooldown
    (:class:`~laneway.gateway.cooldown_sync.CooldownSync` shares them across replicas)."""

    __slots__ = ("_clock", "_failures", "_until", "cooldown_s", "failures", "on_start")

    def __init__(self, *, failures: int, cooldown_s: float, clock: Callable[[], float]) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self.on_start: Callable[[str, float], None] | None = None

    def adopt(self, key: str, remaining_s: float) -> None:
        """A cooldown another replica started: ``key`` rests ``remaining_s`` more seconds."""
        until = self._clock() + remaining_s
        if until > self._until.get(key, 0.0):
            self._until[key] = until

    def cooling(self, key: str) -> bool:
        until = self._until.get(key)
        if until is None:
            return False
        if self._clock() >= until:
            del self._until[key]
            self._failures.pop(key, None)
            return False
        return True

    def failure(self, key: str) -> bool:
        """Count a failure; True when it starts a cooldown."""
        count = self._failures.get(key, 0) + 1
        self._failures[key] = count
        if count >= self.failures and key not in self._until:
            self._until[key] = self._clock() + self.cooldown_s
            if self.on_start is not None:
                self.on_start(key, self.cooldown_s)
            return True
        return False

    def success(self, key: str) -> None:
        self._failures.pop(key, None)
        self._until.pop(key, None)

    def active(self) -> int:
        return sum(1 for key in list(self._until) if self.cooling(key))


class DeploymentTable:
    """Catalog model -> the deployments serving it, in config order."""

    __slots__ = ("_by_model",)

    def __init__(self, deployments: Iterable[Deployment]) -> None:
        self._by_model: dict[str, list[Deployment]] = {}
        for dep in deployments:
            self._by_model.setdefault(dep.model, []).append(dep)

    def serving(self, model: str) -> Sequence[Deployment]:
        return self._by_model.get(model, ())

    def models(self) -> list[str]:
        return list(self._by_model)

    def __contains__(self, model: object) -> bool:
        return model in self._by_model
