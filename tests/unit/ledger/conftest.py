"""Shared helpers for the ledger tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from laneway.ledger.base import LedgerRow


def _make_row(i: int, **changes: object) -> LedgerRow:
    row = LedgerRow(
        request_id=f"req-{i}",
        ts=1_700_000_000.0 + i,
        endpoint="responses",
        key_id="key-1",
        session=f"s-{i % 3}",
        lane="terminal",
        model_requested="laneway/auto",
        model_served="gpt-5.3-codex",
        decision_id=f"dec-{i}",
        reasons="shell tool declared; failing commands",
        confidence=0.875,
        input_tokens=1200 + i,
        cached_input_tokens=1000,
        output_tokens=300,
        reasoning_tokens=120,
        cost_usd=0.0123,
        status="ok",
        http_status=200,
        latency_ms=812.5,
        overhead_ms=0.31,
        attempts=1,
        escalated=False,
        escalation_cause=None,
        stream=True,
        mode="route",
    )
    return replace(row, **changes)  # type: ignore[arg-type]


RowFactory = Callable[..., LedgerRow]


@pytest.fixture
def make_row() -> RowFactory:
    """``make_row(i, **changes)``: a realistic row, varied by ``i``."""
    return _make_row
