"""The engine: hints, then request structure, then the text classifier; one explained Decision."""

from __future__ import annotations

from typing import Any

import pytest

from laneway.config import Config, PolicySettings
from laneway.engine import Engine
from laneway.lanes.lane import Lane, Surface

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


def _shell_history(codes: list[int]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"role": "user", "content": "make the integration tests pass"}]
    for i, code in enumerate(codes):
        items.append({"type": "function_call", "call_id": f"c{i}", "name": "exec_command", "arguments": "{}"})
        items.append(
            {"type": "function_call_output", "call_id": f"c{i}", "output": f"Process exited with code {code}"}
        )
    return items


EXEC = {"type": "function", "name": "exec_command", "parameters": {}, "strict": False}


def test_codex_fixture_goes_to_codex_with_the_declared_web_search_stripped(
    engine: Engine, codex_request: dict[str, Any], codex_headers: dict[str, str]
) -> None:
    d = engine.decide(codex_request, endpoint="responses", headers=codex_headers)
    assert (d.lane, d.model, d.stripped_tools) == (Lane.TERMINAL, CODEX, ("web_search",))
    assert d.candidates[0].model == CODEX and d.candidates[0].kept
    assert d.session_key == codex_request["prompt_cache_key"]


def test_without_the_codex_strip_default_a_codex_request_stays_on_mini_and_says_why(
    codex_request: dict[str, Any], codex_headers: dict[str, str]
) -> None:
    engine = Engine.from_config(Config(policy=PolicySettings(codex_strip_hosted_tools=[])))
    d = engine.decide(codex_request, endpoint="responses", headers=codex_headers)
    assert d.model == MINI
    assert d.candidates[0].model == CODEX and d.candidates[0].why == "lacks hosted tool web_search"
    # and an escalation that cannot happen says so instead of vanishing
    body = dict(codex_request, input=[*codex_request["input"], *_shell_history([1, 1, 1])[1:]])
    d = engine.decide(body, endpoint="responses", headers=codex_headers)
    assert (d.model, d.escalated) == (MINI, False)
    assert any(
        r.startswith("escalation to gpt-5.3-codex (3 failing shell commands")
        and r.endswith("not possible: lacks hosted tool web_search")
        for r in d.reasons
    ), d.reasons


def test_an_api_request_declaring_web_search_is_not_stripped_by_the_codex_default(engine: Engine) -> None:
    body = {"model": "laneway/terminal", "input": "fix the failing build", "tools": [{"type": "web_search"}]}
    d = engine.decide(body, endpoint="responses")
    assert (d.lane, d.model, d.stripped_tools) == (Lane.TERMINAL, MINI, ())
    assert "lane owner gpt-5.3-codex dropped (lacks hosted tool web_search)" in d.reason


def test_a_lane_hint_forces_the_lane(engine: Engine) -> None:
    d = engine.decide({"model": "laneway/code_review", "input": "hello"}, endpoint="responses")
    assert (d.lane, d.model, d.forced, d.confidence) == (Lane.CODE_REVIEW, CODEX, True, 1.0)
    assert d.reasons[0] == "lane forced by model alias laneway/code_review"


def test_a_codex_cloud_surface_is_a_cloud_task_on_codex(engine: Engine) -> None:
    d = engine.decide_text("write a haiku", surface=Surface.CODEX_CLOUD)
    assert (d.lane, d.model) == (Lane.CLOUD_TASK, CODEX)


def test_subagent_marker_goes_to_mini(engine: Engine) -> None:
    body = {"model": "auto", "input": "refactor the parser module and fix the failing test"}
    d = engine.decide(body, headers={"x-openai-subagent": "collab_spawn"})
    assert (d.lane, d.model) == (Lane.SUBAGENT, MINI)


def test_computer_use_tool_goes_to_mini(engine: Engine) -> None:
    body = {"model": "auto", "input": "book the flight", "tools": [{"type": "computer"}]}
    d = engine.decide(body)
    assert (d.lane, d.model) == (Lane.COMPUTER_USE, MINI)


def test_shell_tool_with_a_terminal_heavy_history_is_terminal(engine: Engine) -> None:
    body = {"model": "auto", "input": _shell_history([0, 0, 0]), "tools": [EXEC]}
    d = engine.decide(body)
    assert (d.lane, d.model, d.escalated) == (Lane.TERMINAL, CODEX, False)
    assert "terminal-heavy history (3 shell calls, 0 failing)" in d.reasons[0]


def test_consecutive_failing_shell_commands_escalate_to_codex() -> None:
    engine = Engine.from_config(Config(policy=PolicySettings(terminal_shell_calls=10)))
    body = {
        "model": "auto",
        "input": _shell_history([1, 1, 1]),
        "tools": [EXEC],
        "metadata": {"lane": "routine"},
    }
    d = engine.decide(body)
    assert (d.lane, d.model, d.escalated) == (Lane.ROUTINE, CODEX, True)
    assert "escalated to gpt-5.3-codex: 3 failing shell commands in a row" in d.reasons


def test_low_confidence_falls_back_to_the_policy_default_and_says_so() -> None:
    engine = Engine.from_config(Config(policy=PolicySettings(min_confidence=1.01)))
    d = engine.decide_text("reverse a linked list in place")
    assert (d.lane, d.model, d.low_confidence) == (Lane.ROUTINE, MINI, True)
    assert any("policy default routine (mini first, escalates on failure)" in r for r in d.reasons)


def test_the_library_entry_point(engine: Engine) -> None:
    import laneway

    d = laneway.decide(
        {"model": "laneway/auto", "messages": [{"role": "user", "content": "hi"}]}, endpoint="chat"
    )
    assert d.model in (MINI, CODEX)
    assert set(d.to_dict()) >= {
        "lane",
        "model",
        "confidence",
        "reasons",
        "candidates",
        "estimated_cost_usd",
        "forced",
    }


AMBIGUOUS = "Write a Python script that parses the nginx access log and counts requests per status code"


def _codex_share(engine: Engine, text: str) -> float:
    probs = engine.predict_text(text).probabilities
    return sum(p for lane, p in probs.items() if engine.catalog.lanes[lane].owner == CODEX)


def test_the_codex_threshold_moves_a_text_between_the_models_at_its_codex_share(engine: Engine) -> None:
    share = _codex_share(engine, AMBIGUOUS)
    assert 0.02 < share < 0.98

    def decided(threshold: float) -> Any:
        policy = PolicySettings(codex_threshold=threshold, min_confidence=0.0)
        return Engine.from_config(Config(policy=policy)).decide_text(AMBIGUOUS)

    below, above = decided(share - 0.01), decided(share + 0.01)
    assert below.model == CODEX and above.model == MINI
    moved = below if engine.decide_text(AMBIGUOUS).model == MINI else above
    assert f"share {share:.2f}" in moved.reasons[0] and "codex_threshold" in moved.reasons[0]


def test_the_codex_threshold_decides_uncertain_texts_instead_of_the_fallback(engine: Engine) -> None:
    # a low threshold sends an uncertain text to codex even when the codex lane it lands on has
    # less than min_confidence of the probability: the fallback would undo the operator's choice
    share = _codex_share(engine, AMBIGUOUS)
    policy = PolicySettings(codex_threshold=max(share / 2, 0.01), min_confidence=0.99)
    decision = Engine.from_config(Config(policy=policy)).decide_text(AMBIGUOUS)
    assert decision.model == CODEX
    assert not any("confidence below" in why for why in decision.reasons)
    unset = Engine.from_config(Config(policy=PolicySettings(min_confidence=0.99))).decide_text(AMBIGUOUS)
    assert any("confidence below" in why for why in unset.reasons)


def test_a_codex_threshold_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="codex_threshold must be between 0 and 1"):
        PolicySettings(codex_threshold=1.0)
