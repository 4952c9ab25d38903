"""Usage -> dollars, and token estimates before a call.

Prices are per one million tokens (catalog). OpenAI's ``prompt_tokens`` / ``input_tokens`` include
the cached tokens, so the uncached part is ``input - cached``; reasoning tokens are already inside
``output_tokens`` (billed at the output price) and are reported separately only for visibility.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from laneway.catalog.model import ModelCard

#: Rough characters per token for English text and code (tiktoken's o200k averages ~4).
CHARS_PER_TOKEN = 4
#: Tokens billed for one image at "auto"/"high" detail (a 1024x1024 tile set; an upper-end estimate).
TOKENS_PER_IMAGE = 1_000


class Usage(msgspec.Struct, frozen=True, gc=False):
    """Token counts of one call (or a sum of calls). Only ints: never in a reference cycle."""

    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.cached_input_tokens + other.cached_input_tokens,
            self.output_tokens + other.output_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
        )


def cost_usd(card: ModelCard, usage: Usage) -> float:
    """What ``usage`` costs on ``card``: cached input at the cached price."""
    prices = card.price_per_mtok
    cached = min(usage.cached_input_tokens, usage.input_tokens)
    uncached = usage.input_tokens - cached
    return (
        uncached * prices.input + cached * prices.cached_input + usage.output_tokens * prices.output
    ) / 1_000_000


def _int(mapping: Mapping[str, Any] | None, key: str) -> int:
    if type(mapping) is not dict and not isinstance(mapping, Mapping):  # dict: skip the ABC check
        return 0
    value = mapping.get(key)
    if type(value) is int:
        return value
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_from_wire(usage: Mapping[str, Any] | None) -> Usage:
    """Read a Chat Completions ``usage`` or a Responses ``usage`` object (either shape)."""
    if type(usage) is not dict and not isinstance(usage, Mapping):
        return Usage()
    if "prompt_tokens" in usage or "completion_tokens" in usage:
        return Usage(
            input_tokens=_int(usage, "prompt_tokens"),
            cached_input_tokens=_int(usage.get("prompt_tokens_details"), "cached_tokens"),
            output_tokens=_int(usage, "completion_tokens"),
            reasoning_tokens=_int(usage.get("completion_tokens_details"), "reasoning_tokens"),
        )
    return Usage(
        input_tokens=_int(usage, "input_tokens"),
        cached_input_tokens=_int(usage.get("input_tokens_details"), "cached_tokens"),
        output_tokens=_int(usage, "output_tokens"),
        reasoning_tokens=_int(usage.get("output_tokens_details"), "reasoning_tokens"),
    )


def estimate_text_tokens(chars: int) -> int:
    """Tokens for ``chars`` characters of text (rounded up)."""
    return -(-chars // CHARS_PER_TOKEN)
