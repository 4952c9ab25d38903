"""Model cards: prices, limits by tier, context, tools, Codex surfaces, benchmarks, lane owners."""

from __future__ import annotations

from laneway.catalog.model import (
    Benchmark,
    Catalog,
    CodexSurfaces,
    LanePolicy,
    ModelCard,
    Prices,
    load_catalog,
    merge_overrides,
)

__all__ = [
    "Benchmark",
    "Catalog",
    "CodexSurfaces",
    "LanePolicy",
    "ModelCard",
    "Prices",
    "load_catalog",
    "merge_overrides",
]
