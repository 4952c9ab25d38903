from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from laneway.errors import ClassifierError
from laneway.lanes.classifier import LaneClassifier, TextPrediction
from laneway.lanes.lane import TEXT_LANES, Lane


@pytest.fixture(scope="module")
def clf() -> LaneClassifier:
    return LaneClassifier.load()


@pytest.mark.parametrize(
    ("text", "lane"),
    [
        ("Write a python function to find the maximum of three numbers.", Lane.ROUTINE),
        (
            "Open Chrome, go to the settings page and turn on the 'Do Not Track' option.",
            Lane.COMPUTER_USE,
        ),
        ("find all files named '*.log' under /var and delete them", Lane.TERMINAL),
        (
            "@@ -10,4 +10,6 @@ def load(path):\n-    return open(path).read()\n"
            "+    with open(path) as fh:\n+        return fh.read()\n",
            Lane.CODE_REVIEW,
        ),
    ],
)
def test_packaged_classifier_puts_clear_texts_in_their_lane(
    clf: LaneClassifier, text: str, lane: Lane
) -> None:
    assert clf.predict(text).lane == lane


def test_prediction_is_a_calibrated_distribution_over_text_lanes(clf: LaneClassifier) -> None:
    p = clf.predict("docker compose up fails with 'port is already allocated'")
    assert isinstance(p, TextPrediction)
    assert set(p.probabilities) == set(TEXT_LANES)
    assert sum(p.probabilities.values()) == pytest.approx(1.0)
    assert p.confidence == max(p.probabilities.values()) == p.probabilities[p.lane]
    assert p.signals and all(isinstance(s, str) for s in p.signals)


def test_empty_text_is_routine_with_low_confidence(clf: LaneClassifier) -> None:
    for text in ("", "   \n\t"):
        p = clf.predict(text)
        assert p.lane == Lane.ROUTINE
        assert p.confidence <= 0.25


def test_prediction_is_deterministic(clf: LaneClassifier) -> None:
    text = "The migration crashes with KeyError in django/db/models/base.py when saving"
    assert clf.predict(text) == clf.predict(text)


def test_save_and_load_round_trip(clf: LaneClassifier, tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    clf.save(path)
    again = LaneClassifier.load(path)
    text = "kubectl rollout status deployment/api hangs forever"
    assert again.predict(text) == clf.predict(text)


def test_missing_weights_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="not found"):
        LaneClassifier.load(tmp_path / "nope.npz")


def test_corrupt_weights_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(ClassifierError, match="cannot read"):
        LaneClassifier.load(bad)


def test_weights_without_the_expected_arrays_are_rejected(tmp_path: Path) -> None:
    other = tmp_path / "other.npz"
    np.savez(other, something=np.zeros(3))
    with pytest.raises(ClassifierError, match="not a laneway weights file"):
        LaneClassifier.load(other)


@pytest.mark.parametrize(
    ("text", "feature"),
    [
        ("@@ -1,2 +1,3 @@\n-a = 1\n+a = 2\n+b = 3\n", "#diff_hunk"),
        ('Traceback (most recent call last):\n  File "x.py", line 1\nValueError', "#traceback"),
        ("try this:\n$ docker compose up -d\nError: port is already allocated", "#shell_prompt"),
        ("see https://example.com/a for details", "#url"),
        ("the config lives in /etc/nginx/sites-enabled/default", "#abs_path"),
        ("```python\nprint(1)\n```", "#fence"),
        ("Constraints: 1 ≤ n ≤ 2·10^5", "#bounds"),
        ("0 <= nums[i] <= 10^9", "#bounds"),
        ("$1 \\le n \\le 10^5$", "#bounds"),
        ("Wrong result:\n>>> simplify(x**2 - x**2)\nx", "#repl"),
        ("In [3]: df.groupby('a').sum()\nOut[3]: empty", "#repl"),
        ("`to_json` ignores `default` for nested dataclasses", "#inline_code"),
    ],
)
def test_featurizer_sees_the_structure_of_a_text(text: str, feature: str) -> None:
    from laneway.lanes.features import Featurizer

    assert feature in Featurizer().features(text)


def test_markdown_headers_and_bullets_are_not_shell_prompts_or_diffs() -> None:
    from laneway.lanes.features import Featurizer

    feats = Featurizer().features("# Task: tidy up\n\n- first item\n- second item\n- third item\n")
    assert "#shell_prompt" not in feats
    assert "#diff_lines" not in feats


def test_comparisons_in_code_are_not_contest_bounds() -> None:
    from laneway.lanes.features import Featurizer

    feats = Featurizer().features("for (i = 0; i <= n; i++) { if (a <= b) x++; }\nif x <= 10: pass")
    assert "#bounds" not in feats


def test_docstring_examples_are_not_an_interactive_session() -> None:
    from laneway.lanes.features import Featurizer

    feats = Featurizer().features('def add(a, b):\n    """Sum.\n    >>> add(1, 2)\n    3\n    """\n')
    assert "#doctest" in feats
    assert "#repl" not in feats


def test_long_texts_are_clipped_to_head_and_tail() -> None:
    from laneway.lanes.features import Featurizer

    f = Featurizer(head_chars=10, tail_chars=5)
    assert f.clip("a" * 10 + "b" * 100 + "c" * 5) == "a" * 10 + "\n" + "c" * 5


def test_weights_files_of_the_first_format_load_and_score_without_votes(
    clf: LaneClassifier, tmp_path: Path
) -> None:
    clf.save(tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz") as saved:
        arrays = {key: saved[key] for key in saved.files if key != "votes"}
    arrays["format"] = np.array("laneway-lanes/1")
    np.savez(tmp_path / "v1.npz", **arrays)
    old = LaneClassifier.load(tmp_path / "v1.npz")
    text = "kubectl rollout status deployment/api hangs forever"
    assert old.predict(text).probabilities != clf.predict(text).probabilities
    assert set(old.predict(text).probabilities) == set(TEXT_LANES)


def test_weights_files_of_an_unknown_format_are_rejected(clf: LaneClassifier, tmp_path: Path) -> None:
    clf.save(tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz") as saved:
        arrays = {key: saved[key] for key in saved.files}
    arrays["format"] = np.array("laneway-lanes/9")
    np.savez(tmp_path / "v9.npz", **arrays)
    with pytest.raises(ClassifierError, match="unsupported format"):
        LaneClassifier.load(tmp_path / "v9.npz")


def test_votes_of_the_wrong_shape_are_rejected() -> None:
    vocab = ["a", "b"]
    weights = np.zeros((2, len(TEXT_LANES)), dtype=np.float32)
    bias = np.zeros(len(TEXT_LANES), dtype=np.float32)
    with pytest.raises(ClassifierError, match="votes shape"):
        LaneClassifier(vocab=vocab, weights=weights, bias=bias, votes=np.zeros((3, 5), dtype=np.float32))
