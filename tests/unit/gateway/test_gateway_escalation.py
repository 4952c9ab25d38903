"""Mini first, codex second: each escalation cause, stickiness, and session pinning."""

from __future__ import annotations

import json
from typing import Any

import pytest

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"
SESSION = {"session-id": "thread-1"}


async def test_upstream_failure_after_retries_escalates_the_session_sticky(make_harness: Any) -> None:
    h = await make_harness()
    h.mini.push(h.Step("status", 500), h.Step("status", 500))
    r = await h.chat(model="laneway/routine", headers=SESSION)
    assert r.headers["x-laneway-model"] == CODEX
    r = await h.chat("next turn", model="laneway/routine", headers=SESSION)
    assert r.headers["x-laneway-model"] == CODEX, "escalation is sticky for the session"
    assert "escalated to gpt-5.3-codex" in r.headers["x-laneway-reason"]
    first, second = await h.rows()
    assert first.escalated and first.escalation_cause.startswith("upstream failure after retries")
    assert second.escalated and second.escalation_cause == first.escalation_cause
    assert len(h.mini.requests) == 2, "the escalated session does not go back to mini"


@pytest.mark.parametrize(
    ("step", "extra", "cause"),
    [
        (
            {"text": "not json"},
            {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}},
            "invalid JSON",
        ),
        ({"tool_args": "{broken"}, {}, "unparseable tool-call arguments"),
        ({"text": "   "}, {}, "empty output"),
    ],
)
async def test_a_reply_failing_verification_escalates_and_retries_once_on_codex(
    make_harness: Any, step: dict[str, Any], extra: dict[str, Any], cause: str
) -> None:
    h = await make_harness()
    h.mini.push(h.Step("ok", **step))
    r = await h.chat(model="laneway/routine", headers=SESSION, **extra)
    assert r.status_code == 200
    assert r.json()["model"] == CODEX
    assert r.headers["x-laneway-model"] == CODEX
    (row,) = await h.rows()
    assert row.escalated and cause in row.escalation_cause
    assert row.attempts == 2
    # both replies were paid for: the discarded mini one and codex's
    assert row.input_tokens == 200
    assert float(r.headers["x-laneway-cost-usd"]) == pytest.approx(row.cost_usd)
    r = await h.chat("again", model="laneway/routine", headers=SESSION)
    assert r.headers["x-laneway-model"] == CODEX


async def test_responses_verification_sees_unparseable_function_arguments(make_harness: Any) -> None:
    h = await make_harness()
    h.mini.push(h.Step("ok", tool_args="{nope"))
    r = await h.responses(model="laneway/routine")
    assert r.json()["model"] == CODEX
    (row,) = await h.rows()
    assert "unparseable tool-call arguments" in row.escalation_cause


async def test_a_good_reply_is_not_escalated(make_harness: Any) -> None:
    h = await make_harness()
    h.mini.push(h.Step("ok", tool_args='{"cmd": "ls"}'))
    r = await h.chat(model="laneway/routine")
    assert r.json()["model"] == MINI
    (row,) = await h.rows()
    assert not row.escalated and row.attempts == 1


async def test_failing_shell_commands_in_the_history_escalate(make_harness: Any) -> None:
    h = await make_harness()
    messages: list[dict[str, Any]] = [{"role": "user", "content": "make the build pass"}]
    for i in range(3):
        call = {
            "id": f"c{i}",
            "type": "function",
            "function": {"name": "exec_command", "arguments": '{"cmd":"make"}'},
        }
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": f"c{i}", "content": "Process exited with code 2"})
    tools = [{"type": "function", "function": {"name": "exec_command", "parameters": {"type": "object"}}}]
    body = {"model": "laneway/routine", "messages": messages, "tools": tools}
    r = await h.client.post("/v1/chat/completions", json=body, headers=SESSION)
    assert r.headers["x-laneway-model"] == CODEX
    (row,) = await h.rows()
    assert row.escalated and "failing shell commands" in row.escalation_cause
    r = await h.chat("and now something easy", model="laneway/routine", headers=SESSION)
    assert r.headers["x-laneway-model"] == CODEX


async def test_a_session_stays_pinned_to_its_first_model(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.responses("list the files", model="laneway/auto", prompt_cache_key="pc-1")
    first = r.headers["x-laneway-model"]
    other_lane = "laneway/terminal" if first == MINI else "laneway/routine"
    # a different lane's owner would differ, but auto-routed turns of the session stay pinned
    r = await h.responses("now review this diff please", model="laneway/auto", prompt_cache_key="pc-1")
    assert r.headers["x-laneway-model"] == first
    rows = await h.rows()
    assert rows[1].session == "pc-1"
    # an explicit lane hint wins over the pin (and is reported as forced)
    r = await h.responses("x", model=other_lane, prompt_cache_key="pc-1")
    assert r.headers["x-laneway-model"] != first
    assert "lane forced by model alias" in r.headers["x-laneway-reason"]


async def test_the_upstream_body_names_the_chosen_model_and_keeps_unknown_fields(make_harness: Any) -> None:
    h = await make_harness()
    await h.chat(model="laneway/routine", some_new_field={"a": 1})
    sent = json.loads(h.mini.requests[0].body)
    assert sent["model"] == MINI and sent["some_new_field"] == {"a": 1}


@pytest.mark.parametrize(
    ("step", "cause"),
    [({"tool_args": "{broken"}, "unparseable tool-call arguments"), ({"text": "  "}, "empty output")],
)
async def test_a_streamed_reply_failing_verification_escalates_the_session_from_its_next_turn(
    make_harness: Any, step: dict[str, Any], cause: str
) -> None:
    h = await make_harness()
    h.mini.push(h.Step("ok", **step))
    r = await h.responses("tidy the notes", model="laneway/routine", stream=True, prompt_cache_key="s-1")
    assert r.status_code == 200 and "event: response.completed" in r.text
    assert r.headers["x-laneway-model"] == MINI, "a streamed reply cannot be taken back: it stands"
    assert len(h.codex.requests) == 0
    r = await h.responses("next turn", model="laneway/routine", stream=True, prompt_cache_key="s-1")
    assert r.headers["x-laneway-model"] == CODEX
    first, second = await h.rows()
    assert not first.escalated and f"verification failed on a streamed reply: {cause}" in first.reasons
    assert "escalates to gpt-5.3-codex from its next turn" in first.reasons
    assert second.escalated and cause in second.escalation_cause


async def test_a_good_streamed_reply_or_one_without_a_session_escalates_nothing(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.responses("tidy the notes", model="laneway/routine", stream=True, prompt_cache_key="s-2")
    assert r.status_code == 200
    h.mini.push(h.Step("ok", text=" "))  # fails verification, but there is no session to escalate
    await h.responses("tidy the notes", model="laneway/routine", stream=True)
    r = await h.responses("next turn", model="laneway/routine", stream=True, prompt_cache_key="s-2")
    assert r.headers["x-laneway-model"] == MINI
    assert not any(row.escalated or "verification" in row.reasons for row in await h.rows())
