"""A bounded memo of the text classifier for offline planning.

The classifier's prediction is a pure function of the task text, and agent logs repeat the same
task text in every request of a loop (Codex re-sends the whole history each call), so remembering
predictions by a hash of the text changes no decision and skips most of the classifier's work.
The engine still runs its whole profile -> classify -> policy path for every record.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import cast

from laneway.engine import Engine
from laneway.lanes.classifier import LaneClassifier, TextPrediction

#: Predictions remembered (least recently used dropped first): bounded memory on any input.
MEMO_SIZE = 4_096


class MemoClassifier:
    __slots__ = ("_inner", "_memo", "_size", "hits", "misses")

    def __init__(self, inner: LaneClassifier, size: int = MEMO_SIZE) -> None:
        self._inner = inner
        self._memo: OrderedDict[bytes, TextPrediction] = OrderedDict()
        self._size = size
        self.hits = 0
        self.misses = 0

    def predict(self, text: str) -> TextPrediction:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        found = self._memo.get(key)
        if found is not None:
            self._memo.move_to_end(key)
            self.hits += 1
            return found
        self.misses += 1
        prediction = self._inner.predict(text)
        self._memo[key] = prediction
        if len(self._memo) > self._size:
            self._memo.popitem(last=False)
        return prediction


def planning_engine(engine: Engine) -> Engine:
    """The same catalog, settings and classifier, with predictions memoised by task text."""
    inner = engine.classifier
    if isinstance(inner, MemoClassifier):
        return engine
    # Engine only calls .predict(text); MemoClassifier has the same signature and results.
    memo = cast(LaneClassifier, MemoClassifier(inner))
    return Engine(engine.catalog, engine.settings, memo)
