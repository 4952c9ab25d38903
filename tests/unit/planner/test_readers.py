"""Readers: real Codex rollouts, Chat and Responses logs, the SQLite ledger, broken input."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from laneway.engine import Engine
from laneway.errors import InputError
from laneway.lanes.lane import Surface
from laneway.ledger.base import LedgerRow
from laneway.planner import InputFormat, plan, readers
from laneway.planner.record import BadLine, Record, UsageSource

from .conftest import ROLLOUTS

SHARED_ROLLOUT = Path("/work/shared/fixtures/codex-cli-0.169.0/rollout.jsonl")


def _records(engine: Engine, paths: Sequence[Path]) -> list[Record | BadLine]:
    return list(readers.read_all(engine, readers.expand(paths)))


def test_a_rollout_directory_gives_one_record_per_turn_that_called_a_model(engine: Engine) -> None:
    items = _records(engine, [ROLLOUTS])
    records = [r for r in items if isinstance(r, Record)]
    assert len(records) == len(items) == 8  # 5 sessions, one resumed twice, plus the review sub-agent
    assert all(r.format is InputFormat.CODEX and r.usage_source is UsageSource.ROLLOUT for r in records)
    assert all(r.surface is Surface.CODEX_LOCAL for r in records)
    assert all(r.usage.input_tokens > 0 and r.usage.cached_input_tokens > 0 for r in records)
    assert {r.logged_model for r in records} == {"gpt-5.4-mini", "gpt-5.3-codex"}


def test_a_turn_with_a_tool_call_sums_both_model_calls_and_counts_the_shell_call(engine: Engine) -> None:
    records = [r for r in _records(engine, [ROLLOUTS]) if isinstance(r, Record)]
    resumed = [r for r in records if r.profile is not None and r.profile.task_text.startswith("Use the tool")]
    assert resumed
    third = max(records, key=lambda r: r.profile.shell_calls if r.profile else 0)
    assert third.requests == 2  # the exec_command call, then the answer after its output
    assert third.profile is not None and third.profile.shell_calls == 3  # history of the resumed session
    assert third.usage.reasoning_tokens > 0


def test_the_review_sub_agent_turn_is_a_code_review(engine: Engine) -> None:
    report = plan(engine, [ROLLOUTS])
    lanes = {row["lane"]: row["records"] for row in report["lanes"]}
    assert lanes["code_review"] == 1
    assert lanes["terminal"] >= 1  # the resumed session's third turn: shell tool + 3 shell calls


def test_the_shared_captured_rollout_reads_as_one_turn(engine: Engine) -> None:
    if not SHARED_ROLLOUT.exists():
        pytest.skip("shared Codex fixture not present on this machine")
    (record,) = _records(engine, [SHARED_ROLLOUT])
    assert isinstance(record, Record)
    assert (record.usage.input_tokens, record.usage.output_tokens) == (100, 5)
    assert (
        record.profile is not None
        and record.profile.task_text == "List the files and fix the failing make test"
    )


def test_chat_and_responses_bodies_and_pairs_read_with_their_usage_source(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path]
) -> None:
    path = write_jsonl("log.jsonl", [
        {"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": "Summarise the release notes"}]},
        {"model": "gpt-5.4-mini", "input": "Write a haiku about lanes", "max_output_tokens": 50},
        {"request": {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
         "response": {"created": 1_700_000_000, "usage": {"prompt_tokens": 10, "completion_tokens": 3,
                      "prompt_tokens_details": {"cached_tokens": 4}}}},
    ])  # fmt: skip
    chat, responses, pair = _records(engine, [path])
    assert isinstance(chat, Record) and chat.profile is not None and chat.profile.endpoint == "chat"
    assert chat.usage_source is UsageSource.ESTIMATED
    assert (
        isinstance(responses, Record) and responses.usage.output_tokens == 50
    )  # capped by max_output_tokens
    assert isinstance(pair, Record) and pair.usage_source is UsageSource.RESPONSE
    assert (pair.usage.input_tokens, pair.usage.cached_input_tokens, pair.usage.output_tokens) == (10, 4, 3)
    assert pair.ts == 1_700_000_000


def test_malformed_lines_are_reported_with_file_and_line_and_the_run_goes_on(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path]
) -> None:
    good = {"model": "m", "input": "Summarise this"}
    path = write_jsonl("broken.jsonl", [good, "{not json", "", '"a string"', {"foo": 1}, good,
                                        {"input": "x", "metadata": {"lane": "nope"}}])  # fmt: skip
    report = plan(engine, [path])
    assert report["inputs"]["records"] == 2
    malformed = report["inputs"]["malformed"]
    assert malformed["count"] == 4
    assert [(p["file"], p["line"]) for p in malformed["first"]] == [(str(path), n) for n in (2, 4, 5, 7)]
    assert (
        "invalid lane" in malformed["first"][3]["error"] or "unknown lane" in malformed["first"][3]["error"]
    )


def test_only_the_first_20_bad_lines_are_listed_but_all_are_counted(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path]
) -> None:
    path = write_jsonl("many.jsonl", [{"model": "m", "input": "ok"}] + ["nope"] * 30)
    malformed = plan(engine, [path])["inputs"]["malformed"]
    assert malformed["count"] == 30
    assert len(malformed["first"]) == 20
    assert malformed["first"][-1]["line"] == 21


def test_unknown_and_empty_inputs_are_one_line_errors(
    engine: Engine, write_jsonl: Callable[[str, Sequence[Any]], Path], tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"unknown input format .*known: openai, codex, ledger"):
        readers.expand([write_jsonl("csv.jsonl", [{"a": 1}])])
    with pytest.raises(InputError, match="empty file"):
        readers.expand([write_jsonl("empty.jsonl", [])])
    with pytest.raises(InputError, match="known: auto, openai, codex, ledger"):
        readers.parse_format("xml")
    with pytest.raises(InputError, match="no rollout"):
        readers.expand([tmp_path])
    only_bad = write_jsonl("bad.jsonl", [{"model": "m", "input": "ok"}, "x"])
    forced = readers.expand([only_bad], InputFormat.CODEX)
    with pytest.raises(InputError, match="no usable records"):
        from laneway.planner import plan_files

        plan_files(engine, forced)


def _row(i: int, mode: str, served: str, shadow: str | None) -> LedgerRow:
    return LedgerRow(
        request_id=f"r{i}", ts=1_700_000_000 + i, endpoint="responses", key_id=None, session=None,
        lane="routine", model_requested=served, model_served=served, decision_id=f"d{i}", reasons="",
        confidence=0.9, input_tokens=1_000_000, cached_input_tokens=0, output_tokens=0,
        reasoning_tokens=0, cost_usd=0.0, status="ok", http_status=200, latency_ms=1.0, overhead_ms=0.1,
        attempts=1, escalated=False, escalation_cause=None, stream=False, mode=mode,
        shadow_lane="routine" if shadow else None, shadow_model=shadow,
    )  # fmt: skip


def test_a_shadow_ledger_reports_what_laneway_would_have_saved(engine: Engine, tmp_path: Path) -> None:
    sqlite = pytest.importorskip("laneway.ledger.sqlite")
    path = tmp_path / "ledger.db"

    async def fill() -> None:
        ledger = sqlite.SQLiteLedger(path)
        await ledger.start()
        ledger.write(_row(1, "shadow", "gpt-5.3-codex", "gpt-5.4-mini"))  # 1M input: $1.75 vs $0.75
        ledger.write(_row(2, "shadow", "gpt-5.4-mini", "gpt-5.4-mini"))
        ledger.write(_row(3, "route", "gpt-5.4-mini", None))
        await ledger.close()

    asyncio.run(fill())
    report = plan(engine, [path])
    assert report["inputs"]["formats"] == {"ledger": 3}
    assert report["inputs"]["usage_sources"] == {"ledger": 3}
    shadow = report["shadow"]
    assert shadow["rows"] == 2
    assert shadow["served_cost_usd"] == pytest.approx(2.5)
    assert shadow["laneway_cost_usd"] == pytest.approx(1.5)
    assert shadow["savings_usd"] == pytest.approx(1.0)
    assert shadow["changed_model"] == 1
