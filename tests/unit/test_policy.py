"""Policy: lane -> candidates under hard constraints, with every drop explained."""

from __future__ import annotations

import msgspec
import pytest

from laneway.catalog import load_catalog
from laneway.config import PolicySettings
from laneway.errors import ContextLengthError, NoCandidateError, NotFoundError
from laneway.lanes.lane import Lane, Surface
from laneway.lanes.profile import RequestProfile, text_profile
from laneway.policy import LaneCall, Policy

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


def policy(**settings: object) -> Policy:
    return Policy(load_catalog(), PolicySettings(**settings))  # type: ignore[arg-type]


def profile(text: str = "task", **kw: object) -> RequestProfile:
    p = text_profile(text, hosted_index=load_catalog().hosted_tool_index())
    return msgspec.structs.replace(p, **kw)


def call(lane: Lane) -> LaneCall:
    return LaneCall(lane, 0.9, (f"test: {lane.value}",))


def test_terminal_work_goes_to_its_owner_codex() -> None:
    d = policy().decide(profile(), call(Lane.TERMINAL))
    assert d.model == CODEX
    assert [c.model for c in d.candidates] == [CODEX, MINI]
    assert d.fallbacks == (MINI,)


def test_a_request_declaring_web_search_does_not_go_to_codex() -> None:
    d = policy().decide(profile(hosted_tools=frozenset({"web_search"})), call(Lane.TERMINAL))
    assert d.model == MINI
    dropped = d.candidates[0]
    assert (dropped.model, dropped.kept) == (CODEX, False)
    assert dropped.why == "lacks hosted tool web_search"


def test_codex_serves_web_search_requests_when_the_operator_allows_stripping() -> None:
    p = policy(strip_hosted_tools=["web_search"])
    d = p.decide(profile(hosted_tools=frozenset({"web_search"})), call(Lane.TERMINAL))
    assert d.model == CODEX
    assert d.stripped_tools == ("web_search",)
    assert any("strips hosted tool web_search" in r for r in d.reasons)


def test_stripping_one_tool_does_not_allow_another() -> None:
    p = policy(strip_hosted_tools=["web_search"])
    d = p.decide(profile(hosted_tools=frozenset({"web_search", "file_search"})), call(Lane.TERMINAL))
    assert d.model == MINI
    assert d.candidates[0].why == "lacks hosted tool file_search"


@pytest.mark.parametrize("lane", list(Lane))
def test_a_cloud_task_never_goes_to_mini(lane: Lane) -> None:
    d = policy().decide(profile(surface=Surface.CODEX_CLOUD), call(lane))
    assert d.model == CODEX
    assert MINI not in [c.model for c in d.candidates if c.kept]
    if lane is not Lane.CLOUD_TASK:  # the cloud_task lane does not even list mini
        assert any(c.model == MINI and "cloud-task" in c.why for c in d.candidates)


def test_a_cloud_task_needing_a_hosted_tool_has_no_candidate() -> None:
    with pytest.raises(NoCandidateError) as info:
        policy().decide(profile(hosted_tools=frozenset({"web_search"})), call(Lane.CLOUD_TASK))
    assert "lacks hosted tool web_search" in info.value.message


def test_a_codex_github_review_never_goes_to_mini() -> None:
    d = policy().decide(profile(surface=Surface.CODEX_REVIEW), call(Lane.CODE_REVIEW))
    assert d.model == CODEX and not d.candidates[1].kept


def test_a_prompt_larger_than_every_window_is_an_error_naming_the_limit() -> None:
    with pytest.raises(ContextLengthError) as info:
        policy().decide(profile(estimated_input_tokens=450_000), call(Lane.ROUTINE))
    assert info.value.status_code == 400
    assert info.value.code == "context_length_exceeded"
    assert "400000" in info.value.message


def test_a_window_only_the_bigger_model_has_drops_the_smaller_one() -> None:
    catalog = load_catalog({"models": {MINI: {"context_window": 100_000}}})
    d = Policy(catalog, PolicySettings()).decide(profile(estimated_input_tokens=150_000), call(Lane.ROUTINE))
    assert d.model == CODEX
    assert d.candidates[0].why == "~150000 tokens exceed its context window 100000"


def test_max_output_above_the_model_limit_drops_it() -> None:
    with pytest.raises(ContextLengthError, match="128000"):
        policy().decide(profile(max_output_tokens=200_000), call(Lane.ROUTINE))


def test_a_requested_model_is_honoured_when_it_passes_constraints() -> None:
    d = policy().decide(profile(), call(Lane.ROUTINE), requested_model=CODEX)
    assert d.model == CODEX and d.requested_model == CODEX
    assert "requested model gpt-5.3-codex honoured" in d.reasons


def test_a_requested_model_that_cannot_serve_is_replaced_and_says_why() -> None:
    d = policy().decide(
        profile(hosted_tools=frozenset({"web_search"})), call(Lane.ROUTINE), requested_model=CODEX
    )
    assert d.model == MINI
    assert any("requested model gpt-5.3-codex dropped: lacks hosted tool" in r for r in d.reasons)


def test_an_unknown_requested_model_is_404_model_not_found() -> None:
    with pytest.raises(NotFoundError) as info:
        policy().decide(profile(), call(Lane.ROUTINE), requested_model="gpt-9")
    assert (info.value.status_code, info.value.code) == (404, "model_not_found")


def test_session_pin_and_escalation() -> None:
    p = policy()
    pinned = p.decide(profile(), call(Lane.TERMINAL), pinned_model=MINI)
    assert (pinned.model, pinned.pinned) == (MINI, True)
    escalated = p.decide(profile(), call(Lane.ROUTINE), pinned_model=MINI, escalate="mini failed")
    assert (escalated.model, escalated.escalated) == (CODEX, True)
    assert "escalated to gpt-5.3-codex: mini failed" in escalated.reasons


def test_excluded_models_fall_back_to_the_next_candidate() -> None:
    d = policy().decide(profile(), call(Lane.TERMINAL), exclude={CODEX})
    assert d.model == MINI
    assert d.candidates[0].why.startswith("excluded")


def test_estimated_cost_bills_cached_input_at_the_cached_price() -> None:
    p = policy(expected_output_tokens=0)
    pr = profile(estimated_input_tokens=100_000)
    full = p.decide(pr, call(Lane.ROUTINE)).estimated_cost_usd * 10
    cached = p.decide(pr, call(Lane.ROUTINE), cached_tokens=100_000).estimated_cost_usd * 10
    assert full == pytest.approx(0.75)
    assert cached == pytest.approx(0.075)
