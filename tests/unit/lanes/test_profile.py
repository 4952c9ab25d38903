"""RequestProfile extraction from real Chat Completions and Responses bodies."""

from __future__ import annotations

import contextlib
import random
from typing import Any

import pytest

from laneway.catalog import load_catalog
from laneway.errors import BadRequestError
from laneway.lanes.lane import Lane, Surface
from laneway.lanes.profile import RequestProfile, profile_request

HOSTED_INDEX = load_catalog().hosted_tool_index()


def _profile(body: dict[str, Any], endpoint: str = "chat", **headers: str) -> RequestProfile:
    index = HOSTED_INDEX
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    return profile_request(body, endpoint=endpoint, headers=hdrs, hosted_index=index)


def test_codex_cli_request_is_a_terminal_capable_agent_with_web_search(
    codex_request: dict[str, Any], codex_headers: dict[str, str]
) -> None:
    index = load_catalog().hosted_tool_index()
    p = profile_request(codex_request, endpoint="responses", headers=codex_headers, hosted_index=index)
    assert p.task_text == "List the files and fix the failing make test"
    assert p.shell_capable
    assert "exec_command" in p.function_tools
    assert "spawn_agent" in p.function_tools  # nested under the multi_agent_v1 namespace
    assert p.hosted_tools == {"web_search"}
    assert p.surface is Surface.CODEX_LOCAL
    assert p.session_key == "01a21094-9796-7ba0-9e12-4cec6f27048c"
    assert p.stream and p.turns == 1 and p.images == 0
    # ~40 KB of instructions and tools: thousands of tokens, not a handful
    assert 5_000 < p.estimated_input_tokens < 15_000


def test_chat_tools_images_and_a_failing_shell_history() -> None:
    body = {
        "model": "laneway/auto",
        "messages": [
            {"role": "system", "content": "You are an agent."},
            {"role": "user", "content": [
                {"type": "text", "text": "Fix the build"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
            ]},
            *[
                m
                for i in range(3)
                for m in (
                    {"role": "assistant", "content": None, "tool_calls": [
                        {"id": f"c{i}", "type": "function",
                         "function": {"name": "bash", "arguments": '{"cmd": "make"}'}}]},
                    {"role": "tool", "tool_call_id": f"c{i}", "content": "error\nProcess exited with code 2"},
                )
            ],
        ],
        "tools": [
            {"type": "function", "function": {"name": "bash", "parameters": {}}},
            {"type": "brand_new_tool", "whatever": 1},
        ],
        "max_completion_tokens": 2048,
    }  # fmt: skip
    p = _profile(body)
    assert p.images == 1
    assert p.function_tools == ("bash",)
    assert p.other_tool_types == {"brand_new_tool"}  # unknown tool types pass through
    assert (p.shell_calls, p.failing_shell_calls, p.consecutive_shell_failures) == (3, 3, 3)
    assert p.max_output_tokens == 2048
    assert p.task_text == "Fix the build"


def test_a_passing_command_resets_the_failure_streak() -> None:
    items: list[dict[str, Any]] = [{"role": "user", "content": "run the tests"}]
    for i, code in enumerate([1, 1, 0, 1]):
        items.append({"type": "function_call", "call_id": f"c{i}", "name": "exec_command", "arguments": "{}"})
        items.append({"type": "function_call_output", "call_id": f"c{i}", "output": f"Exit code: {code}"})
    p = _profile({"model": "x", "input": items}, "responses")
    assert (p.shell_calls, p.failing_shell_calls, p.consecutive_shell_failures) == (4, 3, 1)


def test_screenshots_in_tool_outputs_and_computer_tools() -> None:
    body = {
        "model": "x",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "Open settings"}]},
            {"type": "computer_call", "call_id": "a", "action": {"type": "click", "x": 1, "y": 2}},
            {"type": "computer_call_output", "call_id": "a",
             "output": {"type": "computer_screenshot", "image_url": "data:image/png;base64,AA"}},
            {"type": "function_call_output", "call_id": "b",
             "output": [{"type": "input_image", "image_url": "data:image/png;base64,AA"}]},
        ],
        "tools": [{"type": "computer_use_preview", "environment": "browser",
                   "display_width": 1024, "display_height": 768}],
    }  # fmt: skip
    p = _profile(body, "responses")
    assert p.computer_capable and p.computer_calls == 1
    assert p.tool_output_images == 2 and p.images == 0


@pytest.mark.parametrize(
    ("body", "headers", "lane", "source"),
    [
        ({"model": "laneway/terminal"}, {}, Lane.TERMINAL, "model alias laneway/terminal"),
        ({"model": "auto", "metadata": {"lane": "code-review"}}, {}, Lane.CODE_REVIEW, "metadata.lane"),
        ({"model": "auto"}, {"x_laneway_lane": "subagent"}, Lane.SUBAGENT, "header"),
    ],
)
def test_explicit_lane_hints(body: dict[str, Any], headers: dict[str, str], lane: Lane, source: str) -> None:
    p = _profile({**body, "messages": [{"role": "user", "content": "hi"}]}, **headers)
    assert (p.lane_hint, p.hint_source) == (lane, source)


def test_laneway_auto_is_not_a_hint() -> None:
    p = _profile({"model": "laneway/auto", "messages": [{"role": "user", "content": "hi"}]})
    assert p.lane_hint is None


def test_an_unknown_lane_hint_is_a_400_naming_the_lanes() -> None:
    with pytest.raises(BadRequestError) as info:
        _profile({"model": "laneway/gardening", "messages": [{"role": "user", "content": "hi"}]})
    assert info.value.status_code == 400
    assert "gardening" in info.value.message and "terminal" in info.value.message


@pytest.mark.parametrize(
    ("body", "endpoint", "param"),
    [({"model": "x"}, "chat", "messages"), ({"model": "x"}, "responses", "input"),
     ({"model": "x", "messages": "hi"}, "chat", "messages")],
)  # fmt: skip
def test_bodies_missing_their_required_field_are_400(body: dict[str, Any], endpoint: str, param: str) -> None:
    with pytest.raises(BadRequestError) as info:
        _profile(body, endpoint)
    assert info.value.param == param


def test_session_and_subagent_markers() -> None:
    body = {"model": "x", "input": "hello", "previous_response_id": "resp_1"}
    p = _profile(body, "responses", x_openai_subagent="collab_spawn")
    assert (p.session_key, p.session_source) == ("resp_1", "previous_response_id")
    assert p.subagent == "header x-openai-subagent: collab_spawn"
    review = _profile({"model": "x", "input": "hello"}, "responses", x_openai_subagent="review")
    assert review.review is not None and review.subagent is None
    keyed = _profile({"model": "x", "input": "hello"}, "responses", session_id="s-9")
    assert (keyed.session_key, keyed.session_source) == ("s-9", "header session-id")


def test_exit_status_is_found_at_either_end_of_a_long_tool_output() -> None:
    long_log = "x" * 5_000
    items: list[dict[str, Any]] = [{"role": "user", "content": "build it"}]
    outputs = [
        f"Process exited with code 1\n{long_log}",
        f"{long_log}\nexit status 2",
        f"{long_log}\nexit code: 0",
    ]
    for i, output in enumerate(outputs):
        items.append({"type": "function_call", "call_id": f"c{i}", "name": "shell", "arguments": "{}"})
        items.append({"type": "function_call_output", "call_id": f"c{i}", "output": output})
    p = _profile({"model": "x", "input": items}, "responses")
    assert (p.shell_calls, p.failing_shell_calls, p.consecutive_shell_failures) == (3, 2, 0)


def _junk(rng: random.Random, depth: int = 0) -> Any:
    """Random JSON values, biased towards the keys and shapes a profile reads."""
    keys = ["type", "role", "content", "name", "call_id", "tool_call_id", "tool_calls", "function",
            "arguments", "output", "text", "tools", "input", "messages", "id", "metadata", "lane"]  # fmt: skip
    choice = rng.random()
    if depth > 3 or choice < 0.3:
        return rng.choice([None, True, 3, 2.5, "", "user", "tool", "function_call", "message",
                           "exec_command", "function_call_output", "input_image", "c1"])  # fmt: skip
    if choice < 0.6:
        return [_junk(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(keys): _junk(rng, depth + 1) for _ in range(rng.randint(0, 5))}


@pytest.mark.parametrize("endpoint", ["chat", "responses"])
def test_malformed_shapes_never_crash_the_profile(endpoint: str) -> None:
    rng = random.Random(7)
    field = "messages" if endpoint == "chat" else "input"
    for _ in range(3000):
        body = {"model": "x", field: _junk(rng), "tools": _junk(rng)}
        with contextlib.suppress(BadRequestError):  # a clear 400 is fine; anything else is a 500
            _profile(body, endpoint)
