"""Fit the lane classifier on labelled texts (needs the ``laneway[train]`` extra: scikit-learn).

The model is a multinomial logistic regression over L2-normalised binary features (words,
word bigrams, structure; see :mod:`laneway.lanes.features`) plus, at a fixed share, a complement
naive Bayes model over the same features present or absent (its *votes*). Each lane gets the
same total weight, and inside a lane a source weighs ``sqrt(n)`` rather than ``n`` so that one large source
does not teach the model its quirks. The softmax temperature is then fitted on out-of-fold
predictions so the reported confidence is a calibrated probability.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from laneway.errors import InputError
from laneway.evaluation import SMALL_SOURCE_SHARE, LabelledText
from laneway.lanes.classifier import STRUCT_SCALE, FloatArray, LaneClassifier
from laneway.lanes.features import HEAD_CHARS, TAIL_CHARS, Featurizer
from laneway.lanes.lane import TEXT_LANES, Lane

#: scipy's sparse matrix (scipy ships no type stubs).
Sparse = Any


@dataclass(frozen=True, slots=True)
class TrainConfig:
    c: float = 0.5
    min_df: int = 2
    max_features: int = 60_000
    source_power: float = 0.5
    folds: int = 3
    #: A source fold for the temperature holds at most this share of the training texts.
    max_fold_share: float = SMALL_SOURCE_SHARE
    max_iter: int = 1000
    tol: float = 1e-3
    #: Complement naive Bayes: additive smoothing, and the share of its log-weights in the
    #: logits (0 leaves the logistic regression alone).
    nb_alpha: float = 1.0
    nb_mix: float = 0.2
    struct_scale: float = STRUCT_SCALE
    #: Characters of a long text's head and tail that are featurized (saved with the weights).
    head_chars: int = HEAD_CHARS
    tail_chars: int = TAIL_CHARS


def _sklearn() -> Any:
    """scikit-learn's ``linear_model`` and ``naive_bayes`` modules."""
    try:
        from sklearn import (  # type: ignore[import-untyped]  # no stubs
            linear_model,
            naive_bayes,
        )
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "training the lane classifier needs scikit-learn: pip install 'laneway[train]'"
        ) from exc
    return linear_model, naive_bayes


def train(
    records: Sequence[LabelledText],
    *,
    holdout_source: str | None = None,
    seed: int = 0,
    config: TrainConfig | None = None,
) -> LaneClassifier:
    """Fit a calibrated classifier on ``records`` (minus ``holdout_source`` if given)."""
    cfg = config or TrainConfig()
    data = [r for r in records if r.source != holdout_source and r.lane in TEXT_LANES]
    lanes_present = {r.lane for r in data}
    if len(lanes_present) < 2:
        raise InputError("training needs labelled texts of at least two text lanes")
    featurizer = Featurizer(head_chars=cfg.head_chars, tail_chars=cfg.tail_chars)
    feats = [featurizer.split(r.text) for r in data]
    vocab = _vocabulary([lex | struct for lex, struct in feats], cfg)
    x = _matrix(feats, vocab, cfg.struct_scale)
    y = np.array([TEXT_LANES.index(r.lane) for r in data])
    w = _sample_weights(data, cfg.source_power)
    weights, votes, bias = _fit(x, y, w, cfg, seed)
    groups = np.array([r.source for r in data])
    temperature = _fit_temperature(x, y, w, groups, cfg, seed) if cfg.folds >= 2 else 1.0
    return LaneClassifier(
        vocab=vocab,
        weights=weights,
        bias=bias,
        temperature=temperature,
        featurizer=featurizer,
        struct_scale=cfg.struct_scale,
        votes=votes,
    )


def _vocabulary(feats: Sequence[set[str]], cfg: TrainConfig) -> list[str]:
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f)
    kept = [
        (n, name)
        for name, n in df.items()
        if name.startswith("#") or (n >= cfg.min_df and Featurizer.informative(name))
    ]
    kept.sort(key=lambda t: (-t[0], t[1]))
    return sorted(name for _, name in kept[: cfg.max_features])


def _matrix(feats: Sequence[tuple[set[str], set[str]]], vocab: Sequence[str], struct_scale: float) -> Sparse:
    """Rows as the classifier scores them: unit-norm lexical part, fixed structural values."""
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # no stubs

    index = {name: i for i, name in enumerate(vocab)}
    indptr: list[int] = [0]
    indices: list[int] = []
    values: list[float] = []
    for lexical, structural in feats:
        lex = sorted(c for c in map(index.get, lexical) if c is not None)
        struct = sorted(c for c in map(index.get, structural) if c is not None)
        indices.extend(lex + struct)
        values.extend([1.0 / math.sqrt(len(lex))] * len(lex) if lex else [])
        values.extend([struct_scale] * len(struct))
        indptr.append(len(indices))
    return csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(feats), len(vocab)),
    )


def _sample_weights(data: Sequence[LabelledText], power: float) -> FloatArray:
    """Equal total weight per lane; a source inside its lane weighs ``n ** power``."""
    by_pair = Counter((r.lane, r.source) for r in data)
    lane_mass: Counter[Lane] = Counter()
    for (lane, _), n in by_pair.items():
        lane_mass[lane] += n**power
    w = np.array(
        [
            (by_pair[(r.lane, r.source)] ** power / by_pair[(r.lane, r.source)]) / lane_mass[r.lane]
            for r in data
        ],
        dtype=np.float64,
    )
    out: FloatArray = (w * len(data) / w.sum()).astype(np.float32)
    return out


def _fit(
    x: Sparse, y: np.ndarray[Any, Any], w: FloatArray, cfg: TrainConfig, seed: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weights and votes ``(n_features, n_text_lanes)`` and bias; lanes absent from ``y`` get
    a -inf-ish bias."""
    linear_model, naive_bayes = _sklearn()
    model = linear_model.LogisticRegression(C=cfg.c, max_iter=cfg.max_iter, tol=cfg.tol, random_state=seed)
    model.fit(x, y, sample_weight=w)
    n_lanes = len(TEXT_LANES)
    weights = np.zeros((x.shape[1], n_lanes), dtype=np.float32)
    votes = np.zeros((x.shape[1], n_lanes), dtype=np.float32)
    bias = np.full(n_lanes, -20.0, dtype=np.float32)
    classes = [int(c) for c in model.classes_]
    coef = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    if len(classes) == 2:  # sklearn stores one row for a binary problem
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    nb_coef = np.zeros((len(classes), x.shape[1]), dtype=np.float32)
    if cfg.nb_mix:
        # complement NB scores a text by summing per-feature log-weights over the features
        # present; centred per feature across the lanes (softmax ignores a shift shared by all
        # lanes), so float16 keeps the differences that decide
        nb = naive_bayes.ComplementNB(alpha=cfg.nb_alpha).fit(_present(x), y, sample_weight=w)
        log_w = np.asarray(nb.feature_log_prob_, dtype=np.float64)
        nb_coef = (cfg.nb_mix * (log_w - log_w.mean(axis=0))).astype(np.float32)
    for row, c in enumerate(classes):
        weights[:, c] = coef[row]
        votes[:, c] = nb_coef[row]
        bias[c] = intercept[row]
    # Ship what is saved: float16, so a trained and a reloaded model agree exactly.
    return weights.astype(np.float16).astype(np.float32), votes.astype(np.float16).astype(np.float32), bias


def _present(x: Sparse) -> Sparse:
    """The feature matrix as 0/1: which features a text has."""
    binary = x.copy()
    binary.data[:] = 1.0
    return binary


def _logits(x: Sparse, weights: FloatArray, votes: FloatArray, bias: FloatArray) -> FloatArray:
    """What :class:`LaneClassifier` computes for each row of ``x``, before the temperature."""
    out: FloatArray = x @ weights + _present(x) @ votes + bias
    return out


def _fit_temperature(
    x: Sparse,
    y: np.ndarray[Any, Any],
    w: FloatArray,
    groups: np.ndarray[Any, Any],
    cfg: TrainConfig,
    seed: int,
) -> float:
    """Temperature minimising the NLL of out-of-fold predictions on sources the model has not seen.

    One fold per source that (a) holds at most ``cfg.max_fold_share`` of the texts, so that the
    model fitted without it is nearly the shipped model, and (b) has each of its lanes still
    taught by another source: texts from a source the model has never seen, which is what a
    user's traffic is. Stratified random folds (texts like the training texts) make the
    probabilities over-confident on new sources, and a fold that removes most of the data (the
    authored bulk) under-confident, so neither is used while a source fold qualifies; random
    folds are the fallback for data with no such source.
    """
    splits: list[np.ndarray[Any, Any]] = []
    for g in np.unique(groups):
        held = groups == g
        if held.mean() > cfg.max_fold_share:
            continue
        if all((y[~held] == c).any() for c in np.unique(y[held])):
            splits.append(held)
    if not splits:
        rng = np.random.default_rng(seed)
        folds = np.empty(len(y), dtype=np.int64)
        for c in np.unique(y):
            members = np.flatnonzero(y == c)
            rng.shuffle(members)
            folds[members] = np.arange(len(members)) % cfg.folds
        splits = [folds == k for k in range(cfg.folds)]
    all_logits, all_y = [], []
    for test in splits:
        if test.all() or not test.any() or len(np.unique(y[~test])) < 2:
            continue
        weights, votes, bias = _fit(x[~test], y[~test], w[~test], cfg, seed)
        all_logits.append(_logits(x[test], weights, votes, bias))
        all_y.append(y[test])
    if not all_logits:
        return 1.0
    return best_temperature(np.vstack(all_logits), np.concatenate(all_y))


def best_temperature(logits: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> float:
    """Grid search (log scale) for the temperature with the lowest mean NLL."""
    best_t, best_nll = 1.0, math.inf
    for t in np.geomspace(0.2, 10.0, 160):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -float(log_p[np.arange(len(y)), y].mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t
