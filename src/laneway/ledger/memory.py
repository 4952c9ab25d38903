"""A list-backed :class:`SpendLedger` for tests and demos (nothing is persisted)."""

from __future__ import annotations

from collections.abc import Sequence

from laneway.ledger.base import LedgerClosedError, LedgerRow


class MemoryLedger:
    def __init__(self) -> None:
        self._rows: list[LedgerRow] = []
        self._closed = False

    async def start(self) -> None:
        return None

    @property
    def full(self) -> bool:
        return False  # a list never falls behind

    def write(self, row: LedgerRow) -> None:
        if self._closed:
            raise LedgerClosedError(f"ledger is closed; row {row.request_id} not written")
        self._rows.append(row)

    async def flush(self) -> None:
        return None

    async def close(self) -> None:
        self._closed = True

    async def rows(self, *, limit: int | None = None) -> Sequence[LedgerRow]:
        """Rows in write order; with ``limit``, the newest ``limit`` of them."""
        if limit is None:
            return list(self._rows)
        return list(self._rows[-limit:]) if limit > 0 else []
