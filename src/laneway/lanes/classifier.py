"""The lane text classifier: a calibrated linear model over word and structure features.

Prediction is plain Python over precomputed lookup tables (numpy only loads and saves): the text becomes a set of feature names (:mod:`laneway.lanes.features`),
each known name maps to one row of a weight matrix, the rows are summed (scaled by
``1/sqrt(n)`` for the n known words and bigrams, i.e. an L2-normalised binary vector; by a fixed
``struct_scale`` for structural features), each known name's row of a second, *vote* matrix
(a complement naive Bayes model's per-feature log-weights, scaled by its share) is added once,
the bias is added, the logits are divided by a temperature fitted on held-out folds, and a
softmax gives calibrated probabilities. The two models err on different texts: together they
are right on more of the sources they were not trained on than either alone.

Weights file (``.npz``, no pickle): ``format``, ``lanes``, ``vocab``, ``weights`` (float16,
``len(vocab) x len(lanes)``), ``bias``, ``temperature``, ``clip`` (head and tail characters),
``struct_scale`` and ``votes`` (float16, the shape of ``weights``; format /1 files have none and
score with zero votes, as they always did).
"""

from __future__ import annotations

import itertools
import math
import os
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from laneway.errors import ClassifierError
from laneway.lanes.features import PREFIX, STRUCTURAL, SUFFIX, Featurizer, affixed
from laneway.lanes.lane import TEXT_LANES, Lane

FORMAT = "laneway-lanes/2"
#: Formats :meth:`LaneClassifier.load` reads: /1 files have no ``votes`` (an older laneway
#: refuses a /2 file rather than score it without them).
READABLE_FORMATS = ("laneway-lanes/1", FORMAT)
WEIGHTS_FILE = "lanes.npz"
#: How many top contributing features a prediction reports.
N_SIGNALS = 4
#: Value of a present structural feature (lexical ones share a unit L2 norm).
STRUCT_SCALE = 1.0

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.intp]
_NONE = -1


@dataclass(frozen=True, slots=True)
class _Tables:
    """The lexical vocabulary as integer tables, so that a text's known lexical columns come
    from a handful of numpy calls instead of building and hashing a string per feature.

    Every word of the vocabulary (a unigram, or either side of a bigram) has an id; per id the
    column of the word itself, of its ``p:`` prefix and of its ``s:`` suffix (``-1``: none). A
    bigram is the integer ``id1 * n_words + id2``, found by binary search in ``bigram_keys``.
    Words without an id (rare words) take the string path for their prefix and suffix.
    Gives exactly the columns of :func:`laneway.lanes.features.lexical_features` found in the
    vocabulary.
    """

    ids: dict[str, int]
    #: ``(n_ids, 3)``: the columns of a word, its prefix and its suffix (one lookup per text)
    word_cols: IntArray
    bigram_keys: npt.NDArray[np.int64]
    bigram_cols: IntArray
    prefixes: dict[str, int]
    suffixes: dict[str, int]

    @classmethod
    def build(cls, names: list[str]) -> _Tables:
        ids: dict[str, int] = {}
        unigrams: dict[str, int] = {}
        bigrams: list[tuple[str, str, int]] = []
        prefixes: dict[str, int] = {}
        suffixes: dict[str, int] = {}
        for col, name in enumerate(names):
            if name.startswith("#"):
                continue
            if name.startswith("p:"):
                prefixes[name[2:]] = col
            elif name.startswith("s:"):
                suffixes[name[2:]] = col
            elif " " in name:
                first, _, second = name.partition(" ")
                bigrams.append((first, second, col))
                ids.setdefault(first, len(ids))
                ids.setdefault(second, len(ids))
            else:
                unigrams[name] = col
                ids.setdefault(name, len(ids))
        # id n: any word without an id (it has no column of its own and is in no bigram)
        n = len(ids) + 1
        word_cols = np.full((n, 3), _NONE, dtype=np.intp)
        for word, i in ids.items():
            word_cols[i, 0] = unigrams.get(word, _NONE)
            if affixed({word}):
                word_cols[i, 1] = prefixes.get(word[:PREFIX], _NONE)
                word_cols[i, 2] = suffixes.get(word[-SUFFIX:], _NONE)
        keyed = sorted((ids[a] * n + ids[b], col) for a, b, col in bigrams)
        # a sentinel past every key keeps `searchsorted` results in range
        keys = np.array([k for k, _ in keyed] + [n * n + 1], dtype=np.int64)
        cols = np.array([c for _, c in keyed] + [_NONE], dtype=np.intp)
        return cls(ids, word_cols, keys, cols, prefixes, suffixes)

    def lexical(self, words: list[str]) -> IntArray:
        """Sorted distinct vocabulary columns of the lexical features of ``words``."""
        if not words:
            return np.empty(0, dtype=np.intp)
        n = len(self.word_cols)
        unknown = n - 1
        found = list(map(self.ids.get, words, itertools.repeat(unknown)))
        ids = np.array(found, dtype=np.int64)
        keys = ids[:-1] * n + ids[1:]
        pos = self.bigram_keys.searchsorted(keys)
        # `take` rather than fancy indexing: the same result at a third of the call overhead
        # a leading -1 (no column; the last entry of bigram_cols) so that, once sorted, the first
        # element is always one to drop
        parts = [
            self.bigram_cols[-1:],
            self.word_cols.take(ids, axis=0).ravel(),
            self.bigram_cols.take(pos.compress(self.bigram_keys.take(pos) == keys)),
        ]
        if unknown in found:
            rare = affixed(set(words).difference(self.ids))
            extra = [self.prefixes.get(w[:PREFIX], _NONE) for w in rare]
            extra += [self.suffixes.get(w[-SUFFIX:], _NONE) for w in rare]
            parts.append(np.array(extra, dtype=np.intp))
        # sort, then keep each element that differs from the one before it (drops repeats and
        # every -1; np.unique does the same with much more Python overhead)
        cols = np.concatenate(parts)
        cols.sort()
        tail = cols[1:]
        distinct: IntArray = tail[tail != cols[:-1]]
        return distinct


@dataclass(frozen=True, slots=True)
class TextPrediction:
    lane: Lane
    confidence: float
    probabilities: dict[Lane, float]
    signals: tuple[str, ...]


def describe(feature: str) -> str:
    """Human-readable name of a feature: ``word 'docker'``, ``words 'docker compose'``, ..."""
    if feature.startswith("#"):
        return STRUCTURAL.get(feature, feature[1:])
    if feature.startswith("p:"):
        return f"word start '{feature[2:]}'"
    if feature.startswith("s:"):
        return f"word end '{feature[2:]}'"
    return f"words '{feature}'" if " " in feature else f"word '{feature}'"


def packaged_weights() -> Path:
    """Path of the weights shipped in the package."""
    return Path(str(resources.files("laneway.lanes").joinpath("weights", WEIGHTS_FILE)))


class LaneClassifier:
    """Text -> :class:`TextPrediction`. Immutable after construction; safe to share."""

    __slots__ = (
        "_bias",
        "_featurizer",
        "_lanes",
        "_names",
        "_struct_scale",
        "_table",
        "_tables",
        "_temperature",
        "_vocab",
    )

    def __init__(
        self,
        *,
        vocab: list[str],
        weights: FloatArray,
        bias: FloatArray,
        temperature: float = 1.0,
        lanes: tuple[Lane, ...] = TEXT_LANES,
        featurizer: Featurizer | None = None,
        struct_scale: float = STRUCT_SCALE,
        votes: FloatArray | None = None,
    ) -> None:
        if weights.shape != (len(vocab), len(lanes)) or bias.shape != (len(lanes),):
            raise ClassifierError(
                f"weights shape {weights.shape} / bias {bias.shape} do not match "
                f"{len(vocab)} features x {len(lanes)} lanes"
            )
        if votes is not None and votes.shape != weights.shape:
            raise ClassifierError(f"votes shape {votes.shape} does not match weights {weights.shape}")
        if not math.isfinite(temperature) or temperature <= 0:
            raise ClassifierError(f"temperature must be a positive number, got {temperature}")
        self._names = list(vocab)
        # one row per feature: its weights, then its votes (zero when there are none), so that
        # a text's rows come from one `take`
        self._table: FloatArray = np.ascontiguousarray(
            np.hstack([weights, np.zeros_like(weights) if votes is None else votes]), dtype=np.float32
        )
        self._bias = np.asarray(bias, dtype=np.float32)
        self._temperature = float(temperature)
        self._lanes = lanes
        self._featurizer = featurizer or Featurizer()
        self._struct_scale = float(struct_scale)
        self._vocab = {name: i for i, name in enumerate(vocab)}
        self._tables = _Tables.build(self._names)

    # -- properties used by training / evaluation ---------------------------------------------
    @property
    def featurizer(self) -> Featurizer:
        return self._featurizer

    @property
    def temperature(self) -> float:
        return self._temperature

    @property
    def lanes(self) -> tuple[Lane, ...]:
        return self._lanes

    @property
    def struct_scale(self) -> float:
        return self._struct_scale

    @property
    def n_features(self) -> int:
        return len(self._names)

    @property
    def _weights(self) -> FloatArray:
        return self._table[:, : len(self._lanes)]

    @property
    def _votes(self) -> FloatArray:
        return self._table[:, len(self._lanes) :]

    def with_temperature(self, temperature: float) -> LaneClassifier:
        """A copy of this classifier with another calibration temperature."""
        return LaneClassifier(
            vocab=self._names,
            weights=self._weights,
            bias=self._bias,
            temperature=temperature,
            lanes=self._lanes,
            featurizer=self._featurizer,
            struct_scale=self._struct_scale,
            votes=self._votes,
        )

    # -- prediction ----------------------------------------------------------------------------
    def columns(self, text: str) -> tuple[list[int], list[int]]:
        """Indices of the known ``(lexical, structural)`` features of ``text``, sorted."""
        words, structural = self._featurizer.analyse(text)
        return self._tables.lexical(words).tolist(), self._structural(structural)

    def _structural(self, structural: set[str]) -> list[int]:
        vocab = self._vocab
        return sorted([vocab[f] for f in structural if f in vocab])

    def _scores(self, text: str) -> tuple[IntArray, FloatArray, FloatArray, FloatArray] | None:
        """Known columns (lexical first), their rows of the table, the rows' scales (weights,
        votes) and the raw logits; None when the text has no known feature."""
        words, structural = self._featurizer.analyse(text)
        lex = self._tables.lexical(words)
        struct = self._structural(structural)
        n_lex = len(lex)
        if not n_lex and not struct:
            return None
        cols = np.concatenate((lex, np.array(struct, dtype=np.intp))) if struct else lex
        rows: FloatArray = self._table.take(cols, axis=0)
        # per row: the scale of its weights (lexical rows share a unit norm), 1 for its votes
        scale = np.ones((len(cols), 2), dtype=np.float32)
        scale[:, 0] = self._struct_scale
        if n_lex:
            scale[:n_lex, 0] = 1.0 / math.sqrt(n_lex)
        n = len(self._lanes)
        total = scale.T @ rows  # one small product instead of a scale, a sum and an add per half
        raw: FloatArray = total[0, :n] + total[1, n:] + self._bias
        return cols, rows, scale, raw

    def logits(self, text: str) -> FloatArray:
        """Uncalibrated scores per lane (temperature not applied)."""
        scored = self._scores(text)
        return np.zeros(len(self._lanes), dtype=np.float32) if scored is None else scored[3]

    def predict(self, text: str) -> TextPrediction:
        scored = self._scores(text)
        if scored is None:
            uniform = 1.0 / len(self._lanes)
            return TextPrediction(
                lane=Lane.ROUTINE,
                confidence=uniform,
                probabilities=dict.fromkeys(self._lanes, uniform),
                signals=("no known features",),
            )
        cols, rows, scale, raw = scored
        # softmax over five numbers: plain floats beat numpy at this size
        t = self._temperature
        z = [v / t for v in raw.tolist()]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        probs = [v / total for v in e]
        best = probs.index(max(probs))
        contrib = rows[:, best] * scale[:, 0] + rows[:, len(self._lanes) + best]
        order = np.argsort(-contrib, kind="stable")[:N_SIGNALS]
        names = self._names
        signals = tuple(
            describe(names[col])
            for col, value in zip(cols[order].tolist(), contrib[order].tolist(), strict=True)
            if value > 0
        )
        return TextPrediction(
            lane=self._lanes[best],
            confidence=probs[best],
            probabilities={lane: probs[i] for i, lane in enumerate(self._lanes)},
            signals=signals,
        )

    # -- persistence ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> LaneClassifier:
        """Load weights from ``path`` (``None``: the weights shipped in the package)."""
        file = packaged_weights() if path is None else Path(path)
        if not file.is_file():
            raise ClassifierError(f"classifier weights not found: {file}")
        try:
            with np.load(file, allow_pickle=False) as data:
                arrays: dict[str, Any] = {key: data[key] for key in data.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
            raise ClassifierError(f"cannot read classifier weights {file}: {exc}") from exc
        missing = {"format", "lanes", "vocab", "weights", "bias", "temperature", "clip"} - set(arrays)
        if missing:
            raise ClassifierError(f"{file}: not a laneway weights file (missing {sorted(missing)})")
        if str(arrays["format"]) not in READABLE_FORMATS:
            raise ClassifierError(
                f"{file}: unsupported format {arrays['format']!s} (want one of {', '.join(READABLE_FORMATS)})"
            )
        try:
            lanes = tuple(Lane.parse(str(x)) for x in arrays["lanes"])
        except ValueError as exc:
            raise ClassifierError(f"{file}: {exc}") from exc
        head, tail = (int(x) for x in arrays["clip"])
        return cls(
            vocab=[str(x) for x in arrays["vocab"]],
            weights=arrays["weights"].astype(np.float32),
            bias=arrays["bias"].astype(np.float32),
            temperature=float(arrays["temperature"]),
            lanes=lanes,
            featurizer=Featurizer(head_chars=head, tail_chars=tail),
            struct_scale=float(arrays.get("struct_scale", STRUCT_SCALE)),
            votes=arrays["votes"].astype(np.float32) if "votes" in arrays else None,
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the weights (compressed ``.npz``); the parent directory must exist."""
        file = Path(path)
        arrays: dict[str, Any] = {
            "format": np.array(FORMAT),
            "lanes": np.array([lane.value for lane in self._lanes]),
            "vocab": np.array(self._names),
            "weights": self._weights.astype(np.float16),
            "bias": self._bias,
            "temperature": np.array(self._temperature),
            "clip": np.array([self._featurizer.head_chars, self._featurizer.tail_chars]),
            "struct_scale": np.array(self._struct_scale),
            "votes": self._votes.astype(np.float16),
        }
        try:
            with file.open("wb") as fh:
                np.savez_compressed(fh, **arrays)
        except OSError as exc:
            raise ClassifierError(f"cannot write classifier weights {file}: {exc}") from exc
