from __future__ import annotations

from pathlib import Path

import pytest

from laneway.errors import InputError
from laneway.evaluation import LabelledText
from laneway.lanes.classifier import LaneClassifier
from laneway.lanes.lane import TEXT_LANES, Lane
from laneway.training import TrainConfig, best_temperature, train

pytest.importorskip("sklearn")

TEXTS: dict[Lane, list[str]] = {
    Lane.ROUTINE: [
        "Write a python function that reverses a string.",
        "What is the difference between a list and a tuple?",
        "Summarize this review in one sentence: great kettle, slow shipping.",
        "Translate 'good morning' into Spanish.",
        "Write a function that returns the sum of the digits of n.",
        "Explain recursion with a short example.",
    ],
    Lane.COMPUTER_USE: [
        "Open Chrome and bookmark the current page.",
        "Click the Submit button at the bottom of the form.",
        "In LibreOffice Calc, make the header row bold.",
        "Set my desktop wallpaper to beach.jpg from Pictures.",
        "Open the settings app and turn on dark mode.",
        "Add the cheapest monitor to my cart on the shopping website.",
    ],
    Lane.TERMINAL: [
        "docker compose up fails with 'port is already allocated', fix it.",
        "Find all .log files under /var/log older than 7 days and delete them.",
        "$ kubectl get pods\napi-7d9 0/1 CrashLoopBackOff\nfigure out why",
        "The CI build fails at `npm ci` with exit code 1, dig through the logs.",
        "Set up nginx as a reverse proxy with systemd and certbot on the server.",
        "Grep the journalctl output for the failed service and restart it.",
    ],
    Lane.DEEP_CODING: [
        "Bug: `parse_config` raises KeyError when the config file is empty.\n### Expected behavior\n"
        "Defaults apply.",
        "Implement cursor pagination across the repository, service and handler layers.",
        "Traceback (most recent call last):\n  File \"app/core.py\", line 3\nKeyError: 'x'\n"
        "Fix the root cause in the repo and add a regression test.",
        "Refactor the payment module so both providers share one interface; update the tests.",
        "Regression in 2.0.0: the strict flag is ignored by the serializer.",
        "Migrate the codebase from moment.js to date-fns.",
    ],
    Lane.CODE_REVIEW: [
        "Can you review this PR?\n@@ -1,2 +1,2 @@\n-a = 1\n+a = 2\n",
        "Please review my diff before I merge it.\n-old()\n+new()\n+more()\n",
        "Leave review comments on pull request #12, focus on error handling.",
        "LGTM? diff below\n--- a/x.py\n+++ b/x.py\n@@ -3 +3 @@\n-x\n+y\n",
        "Give me a thorough code review of this patch for security issues.",
        "Would you approve this change? Review it strictly.",
    ],
}


def _records(source: str = "tiny") -> list[LabelledText]:
    return [LabelledText(t, lane, source) for lane, texts in TEXTS.items() for t in texts]


FAST = TrainConfig(folds=2, max_iter=300)


@pytest.fixture(scope="module")
def tiny() -> LaneClassifier:
    return train(_records(), config=FAST)


def test_trained_classifier_recognises_its_training_texts(tiny: LaneClassifier) -> None:
    hits = sum(tiny.predict(t).lane == lane for lane, texts in TEXTS.items() for t in texts)
    assert hits >= 0.9 * sum(len(t) for t in TEXTS.values())


def test_trained_classifier_gives_distributions_over_text_lanes(tiny: LaneClassifier) -> None:
    p = tiny.predict("kubectl rollout restart deployment/api")
    assert set(p.probabilities) == set(TEXT_LANES)
    assert sum(p.probabilities.values()) == pytest.approx(1.0)
    assert tiny.temperature > 0


def test_training_is_deterministic_for_a_seed() -> None:
    a = train(_records(), seed=3, config=FAST)
    b = train(_records(), seed=3, config=FAST)
    text = "Open the settings app and connect to the office wifi"
    assert a.predict(text) == b.predict(text)


def test_holdout_source_is_left_out_of_training() -> None:
    leaked = [LabelledText("zyxwvut qqqplm zyxwvut qqqplm", Lane.ROUTINE, "secret")] * 3
    clf = train(_records() + leaked, holdout_source="secret", config=FAST)
    assert clf.columns("zyxwvut qqqplm") == ([], [])


def test_training_needs_two_lanes() -> None:
    only = [LabelledText(t, Lane.ROUTINE, "s") for t in TEXTS[Lane.ROUTINE]]
    with pytest.raises(InputError, match="two text lanes"):
        train(only, config=FAST)


def test_trained_model_survives_save_and_load(tiny: LaneClassifier, tmp_path: Path) -> None:
    tiny.save(tmp_path / "w.npz")
    again = LaneClassifier.load(tmp_path / "w.npz")
    for texts in TEXTS.values():
        assert again.predict(texts[0]) == tiny.predict(texts[0])


def test_temperature_search_softens_overconfident_logits() -> None:
    import numpy as np

    # confident logits, half of them wrong: the best temperature flattens them (t > 1)
    logits = np.array([[8.0, 0.0], [8.0, 0.0], [0.0, 8.0], [0.0, 8.0]])
    y = np.array([0, 1, 1, 0])
    assert best_temperature(logits, y) > 1.0


def test_clip_lengths_from_the_config_are_saved_with_the_weights(tmp_path: Path) -> None:
    config = TrainConfig(folds=2, max_iter=300, head_chars=120, tail_chars=40)
    clf = train(_records(), config=config)
    clf.save(tmp_path / "w.npz")
    again = LaneClassifier.load(tmp_path / "w.npz")
    assert (again.featurizer.head_chars, again.featurizer.tail_chars) == (120, 40)
    long_text = TEXTS[Lane.TERMINAL][0] + " filler" * 100
    assert again.predict(long_text) == clf.predict(long_text)


def test_temperature_is_fitted_on_sources_the_model_has_not_seen() -> None:
    # three small sources that label every text one lane over from a big source with the same
    # texts: held out, each is predicted confidently and wrongly, so a temperature fitted on them
    # softens the model; fitted on random folds of the big source's repeated texts, it does not
    lanes = list(TEXTS)
    shifted = [
        LabelledText(t, lanes[(lanes.index(lane) + 1) % len(lanes)], f"small{i % 3}")
        for lane, texts in TEXTS.items()
        for i, t in enumerate(texts)
    ]
    bulk = [LabelledText(t + " again", lane, "bulk") for lane, texts in TEXTS.items() for t in texts] * 4
    by_source = train(shifted + bulk, config=TrainConfig(max_iter=300, max_fold_share=0.25))
    by_random_folds = train(shifted + bulk, config=TrainConfig(max_iter=300, max_fold_share=0.0))
    assert by_source.temperature > 2 * by_random_folds.temperature


def test_the_naive_bayes_votes_are_saved_and_change_the_scores(tiny: LaneClassifier, tmp_path: Path) -> None:
    import numpy as np

    alone = train(_records(), config=TrainConfig(folds=2, max_iter=300, nb_mix=0.0))
    tiny.save(tmp_path / "mixed.npz")
    alone.save(tmp_path / "alone.npz")
    with np.load(tmp_path / "mixed.npz") as mixed, np.load(tmp_path / "alone.npz") as lr_only:
        assert mixed["votes"].shape == mixed["weights"].shape
        assert mixed["votes"].any()
        assert not lr_only["votes"].any()
        np.testing.assert_array_equal(mixed["weights"], lr_only["weights"])
    text = TEXTS[Lane.CODE_REVIEW][0]
    assert not np.allclose(tiny.logits(text), alone.logits(text))


def test_training_logits_are_the_logits_the_classifier_computes(
    tiny: LaneClassifier, tmp_path: Path
) -> None:
    # the temperature is fitted on training-side logits: they must be what predict() scores
    import numpy as np

    from laneway.training import _logits, _matrix

    tiny.save(tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz") as saved:
        vocab = [str(v) for v in saved["vocab"]]
        weights, votes = saved["weights"].astype(np.float32), saved["votes"].astype(np.float32)
        bias = saved["bias"]
    texts = [t for texts in TEXTS.values() for t in texts]
    x = _matrix([tiny.featurizer.split(t) for t in texts], vocab, tiny.struct_scale)
    expected = _logits(x, weights, votes, bias)
    got = np.vstack([tiny.logits(t) for t in texts])
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
