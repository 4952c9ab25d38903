"""Every fact of the seed guide is in the built-in catalog, and overrides are validated."""

from __future__ import annotations

import datetime as dt

import pytest

from laneway.catalog import load_catalog
from laneway.errors import ConfigError
from laneway.lanes.lane import Lane

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"

# (model, context, max output, cutoff, input $, cached $, output $)
CARDS = [
    (MINI, 400_000, 128_000, dt.date(2025, 8, 31), 0.75, 0.075, 4.50),
    (CODEX, 400_000, 128_000, dt.date(2025, 8, 31), 1.75, 0.175, 14.00),
]
BENCHMARKS = [
    (MINI, "swe_bench_pro", 54.4, dt.date(2026, 3, 17)),
    (MINI, "terminal_bench_2", 60.0, dt.date(2026, 3, 17)),
    (MINI, "osworld_verified", 72.1, dt.date(2026, 3, 17)),
    (CODEX, "swe_bench_pro", 56.8, dt.date(2026, 2, 5)),
    (CODEX, "terminal_bench_2", 77.3, dt.date(2026, 2, 5)),
    (CODEX, "osworld_verified", 64.7, dt.date(2026, 2, 5)),
]
TPM = {
    MINI: {1: 500_000, 2: 2_000_000, 3: 4_000_000, 4: 10_000_000, 5: 180_000_000},
    CODEX: {1: 500_000, 2: 1_000_000, 3: 2_000_000, 4: 4_000_000, 5: 40_000_000},
}
MINI_HOSTED = {
    "web_search", "file_search", "image_generation", "code_interpreter", "shell", "apply_patch",
    "skills", "computer_use", "mcp", "tool_search",
}  # fmt: skip


@pytest.mark.parametrize(("name", "context", "max_out", "cutoff", "inp", "cached", "out"), CARDS)
def test_model_card_holds_the_seed_prices_and_limits(
    name: str, context: int, max_out: int, cutoff: dt.date, inp: float, cached: float, out: float
) -> None:
    card = load_catalog().models[name]
    assert card.context_window == context
    assert card.max_output_tokens == max_out
    assert card.knowledge_cutoff == cutoff
    assert card.input_modalities == ["text", "image"]
    assert (card.price_per_mtok.input, card.price_per_mtok.cached_input) == (inp, cached)
    assert card.price_per_mtok.output == out
    assert card.function_calling and card.structured_outputs


@pytest.mark.parametrize(("name", "key", "score", "date"), BENCHMARKS)
def test_benchmark_scores_carry_their_dates(name: str, key: str, score: float, date: dt.date) -> None:
    bench = load_catalog().models[name].benchmarks[key]
    assert (bench.score, bench.date) == (score, date)


def test_tpm_by_tier_for_tiers_one_to_five() -> None:
    catalog = load_catalog()
    for name, tiers in TPM.items():
        assert catalog.models[name].tpm_by_tier == tiers


def test_hosted_tools_only_mini_has_the_broad_matrix() -> None:
    catalog = load_catalog()
    assert set(catalog.models[MINI].hosted_tools) == MINI_HOSTED
    assert catalog.models[CODEX].hosted_tools == []


def test_codex_surfaces_and_credits() -> None:
    mini, codex = load_catalog().models[MINI].codex, load_catalog().models[CODEX].codex
    assert mini.local_messages and codex.local_messages
    assert (mini.cloud_tasks, mini.code_reviews) == (False, False)
    assert (codex.cloud_tasks, codex.code_reviews) == (True, True)
    assert (mini.credits_per_local_task, codex.credits_per_local_task) == (2, 5)
    assert mini.local_message_limit_multiplier == 3.3


def test_lane_owners_follow_the_decision_matrix() -> None:
    catalog = load_catalog()
    for lane in (Lane.ROUTINE, Lane.SUBAGENT, Lane.COMPUTER_USE):
        assert catalog.owner(lane) == MINI
    for lane in (Lane.TERMINAL, Lane.DEEP_CODING, Lane.CODE_REVIEW, Lane.CLOUD_TASK):
        assert catalog.owner(lane) == CODEX
    assert catalog.lanes[Lane.CLOUD_TASK].candidates == [CODEX]
    assert catalog.lanes[Lane.TERMINAL].benchmark == "terminal_bench_2"
    assert catalog.lanes[Lane.COMPUTER_USE].benchmark == "osworld_verified"
    assert catalog.lanes[Lane.DEEP_CODING].benchmark == "swe_bench_pro"


def test_user_adds_a_model_and_changes_a_price() -> None:
    catalog = load_catalog(
        {
            "models": {
                "gpt-5.4": {
                    "context_window": 1_000_000,
                    "max_output_tokens": 128_000,
                    "price_per_mtok": {"input": 2.5, "cached_input": 0.25, "output": 15.0},
                },
                MINI: {"price_per_mtok": {"input": 0.5}},
            },
            "lanes": {"deep_coding": {"candidates": ["gpt-5.4", CODEX]}},
        }
    )
    assert catalog.models["gpt-5.4"].context_window == 1_000_000
    assert catalog.models[MINI].price_per_mtok.input == 0.5
    assert catalog.models[MINI].price_per_mtok.output == 4.50  # the rest of the card is kept
    assert catalog.owner(Lane.DEEP_CODING) == "gpt-5.4"


@pytest.mark.parametrize(
    ("overrides", "path", "expected"),
    [
        ({"models": {MINI: {"price_per_mtok": {"input": "cheap"}}}}, "models.gpt-5.4-mini", "float"),
        ({"models": {MINI: {"context_windw": 5}}}, "models.gpt-5.4-mini", "context_windw"),
        ({"models": {"local": {"context_window": 8000}}}, "models.local", "max_output_tokens"),
        ({"lanes": {"terminal": {"candidates": ["nope"]}}}, "lanes.terminal.candidates", "nope"),
        ({"lanes": {"terminal": {"candidates": []}}}, "lanes.terminal.candidates", "at least one"),
    ],
)
def test_a_wrong_field_fails_with_its_path_and_what_was_expected(
    overrides: dict[str, object], path: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_catalog(overrides, source="config.catalog")
    message = str(info.value)
    assert f"config.catalog.{path}" in message
    assert expected in message
