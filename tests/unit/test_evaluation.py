from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from laneway.errors import InputError
from laneway.evaluation import (
    Decider,
    LabelledText,
    evaluate,
    expected_calibration_error,
    leave_one_source_out,
    read_labelled,
)
from laneway.lanes.lane import Lane

OWNERS = {
    Lane.ROUTINE: "mini",
    Lane.COMPUTER_USE: "mini",
    Lane.SUBAGENT: "mini",
    Lane.TERMINAL: "codex",
    Lane.DEEP_CODING: "codex",
    Lane.CODE_REVIEW: "codex",
    Lane.CLOUD_TASK: "codex",
}


def owner(lane: Lane) -> str:
    return OWNERS[lane]


def fixed(mapping: dict[str, Lane], confidence: float = 0.9) -> Decider:
    def decide(text: str) -> tuple[Lane, str, float]:
        lane = mapping[text]
        return lane, owner(lane), confidence

    return decide


def write(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reader_reads_records_and_defaults_the_source(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.jsonl",
        [
            json.dumps({"text": "ls -la", "lane": "terminal", "source": "s1"}),
            "",
            json.dumps({"text": "hi", "lane": "deep-coding"}),
        ],
    )
    assert read_labelled([f]) == [
        LabelledText("ls -la", Lane.TERMINAL, "s1"),
        LabelledText("hi", Lane.DEEP_CODING, "unknown"),
    ]


def test_reader_names_file_and_line_of_invalid_json(tmp_path: Path) -> None:
    f = write(tmp_path / "bad.jsonl", [json.dumps({"text": "a", "lane": "routine"}), "{oops"])
    with pytest.raises(InputError, match=r"bad\.jsonl:2: invalid JSON"):
        read_labelled([f])


def test_reader_rejects_unknown_lane(tmp_path: Path) -> None:
    f = write(tmp_path / "x.jsonl", [json.dumps({"text": "a", "lane": "gardening"})])
    with pytest.raises(InputError, match=r"x\.jsonl:1: unknown lane 'gardening'"):
        read_labelled([f])


@pytest.mark.parametrize(
    "line",
    [json.dumps(["a"]), json.dumps({"lane": "routine"}), json.dumps({"text": "a", "lane": 3})],
)
def test_reader_rejects_malformed_records(tmp_path: Path, line: str) -> None:
    with pytest.raises(InputError, match=r"m\.jsonl:1"):
        read_labelled([write(tmp_path / "m.jsonl", [line])])


def test_reader_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_labelled([tmp_path / "missing.jsonl"])


def test_model_accuracy_forgives_confusions_between_lanes_of_one_owner() -> None:
    records = [
        LabelledText("t1", Lane.TERMINAL, "a"),
        LabelledText("t2", Lane.TERMINAL, "a"),
        LabelledText("r1", Lane.ROUTINE, "b"),
        LabelledText("c1", Lane.COMPUTER_USE, "b"),
    ]
    decide = fixed({"t1": Lane.TERMINAL, "t2": Lane.DEEP_CODING, "r1": Lane.ROUTINE, "c1": Lane.TERMINAL})
    report = evaluate(records, decide, owner)
    assert report.n == 4
    assert report.model_accuracy == pytest.approx(3 / 4)  # only computer_use -> terminal costs
    assert report.lane_accuracy == pytest.approx(2 / 4)
    assert report.by_source["a"].model_accuracy == 1.0
    assert report.by_source["a"].lane_accuracy == 0.5
    assert report.by_source["b"].model_accuracy == 0.5
    assert report.confusion["terminal"]["deep_coding"] == 1
    assert report.confusion["computer_use"]["terminal"] == 1
    # F1: terminal 2*1/(2*1+1+1) = 0.5, deep_coding 0, routine 1, computer_use 0
    assert report.lane_macro_f1 == pytest.approx((0.5 + 0 + 1 + 0) / 4)
    assert set(report.to_dict()) >= {
        "lane_macro_f1",
        "model_accuracy",
        "n",
        "by_source",
        "confusion",
        "ece",
    }


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_overconfident() -> None:
    assert expected_calibration_error([0.75] * 4, [True, True, True, False]) == pytest.approx(0)
    assert expected_calibration_error([0.99] * 4, [False] * 4) == pytest.approx(0.99)
    assert expected_calibration_error([], []) == 0.0


def test_leave_one_source_out_never_trains_on_the_held_out_source() -> None:
    records = [
        LabelledText("a", Lane.ROUTINE, "s1"),
        LabelledText("b", Lane.TERMINAL, "s2"),
        LabelledText("c", Lane.TERMINAL, "s3"),
    ]
    seen: list[set[str]] = []

    def fit(train: Sequence[LabelledText]) -> Decider:
        seen.append({r.source for r in train})
        return fixed({"a": Lane.ROUTINE, "b": Lane.TERMINAL, "c": Lane.DEEP_CODING})

    loso = leave_one_source_out(records, fit, owner)
    assert seen == [{"s2", "s3"}, {"s1", "s3"}, {"s1", "s2"}]
    assert set(loso.by_source) == {"s1", "s2", "s3"}
    assert loso.by_source["s3"].lane_accuracy == 0.0
    assert loso.by_source["s3"].model_accuracy == 1.0
    assert loso.overall.n == 3
    assert loso.to_dict()["overall"]["model_accuracy"] == 1.0


def test_leave_one_source_out_also_pools_the_small_sources_without_the_bulk() -> None:
    # "bulk" holds 8 of 12 records: its fold is left out of the small-source figures
    records = [LabelledText(f"b{i}", Lane.TERMINAL, "bulk") for i in range(8)] + [
        LabelledText(f"s{i}", Lane.ROUTINE, f"small{i}") for i in range(4)
    ]
    answers = {r.text: Lane.ROUTINE for r in records}  # every bulk text is predicted wrongly
    loso = leave_one_source_out(records, lambda _: fixed(answers), owner)
    assert loso.overall.n == 12
    assert loso.overall.model_accuracy == pytest.approx(4 / 12)
    assert loso.small_sources is not None
    assert loso.small_sources.n == 4
    assert loso.small_sources.model_accuracy == 1.0
    assert loso.to_dict()["small_sources"]["model_accuracy"] == 1.0


def test_leave_one_source_out_needs_two_sources() -> None:
    records = [LabelledText("a", Lane.ROUTINE, "only")]
    with pytest.raises(InputError, match="two sources"):
        leave_one_source_out(records, lambda _: fixed({}), owner)
