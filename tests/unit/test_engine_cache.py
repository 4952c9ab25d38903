"""The engine remembers text predictions: same decisions, the classifier runs once per task text."""

from __future__ import annotations

from laneway.engine import PREDICTION_CACHE_SIZE, Engine
from laneway.lanes.classifier import LaneClassifier, TextPrediction


class CountingClassifier:
    def __init__(self, inner: LaneClassifier) -> None:
        self.inner = inner
        self.calls = 0

    def predict(self, text: str) -> TextPrediction:
        self.calls += 1
        return self.inner.predict(text)


def _engine() -> tuple[Engine, CountingClassifier]:
    base = Engine.default()
    counting = CountingClassifier(base.classifier)
    return Engine(base.catalog, base.settings, counting), counting  # type: ignore[arg-type]


def test_a_resent_task_text_is_classified_once_and_decided_the_same() -> None:
    engine, counting = _engine()
    uncached = Engine.default()
    body = {"model": "laneway/auto", "messages": [{"role": "user", "content": "fix the flaky docker build"}]}
    first = engine.decide(body, endpoint="chat")
    again = engine.decide(body, endpoint="chat")
    assert counting.calls == 1
    assert first == again == uncached.decide(body, endpoint="chat")


def test_distinct_texts_each_run_the_classifier_and_the_cache_stays_bounded() -> None:
    engine, counting = _engine()
    for i in range(PREDICTION_CACHE_SIZE + 10):
        engine.predict_text(f"task number {i}")
    assert counting.calls == PREDICTION_CACHE_SIZE + 10
    engine.predict_text("task number 0")  # the oldest was dropped: classified again
    assert counting.calls == PREDICTION_CACHE_SIZE + 11
    engine.predict_text(f"task number {PREDICTION_CACHE_SIZE + 9}")  # the newest is remembered
    assert counting.calls == PREDICTION_CACHE_SIZE + 11
