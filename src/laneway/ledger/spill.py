"""Reading a spill file back: the rows a ledger could not write, one JSON object per line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from laneway.ledger.base import LedgerRow


@dataclass
class SpillRead:
    rows: list[LedgerRow] = field(default_factory=list)
    #: (line number, why) of every line that is not a ledger row; the rest are still read.
    bad: list[tuple[int, str]] = field(default_factory=list)


def read_spill(path: Path) -> SpillRead:
    """Every row of ``path``; a malformed line is reported with its number, not fatal."""
    decoder = msgspec.json.Decoder()
    out = SpillRead()
    for number, line in _lines(path):
        try:
            data = decoder.decode(line)
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            out.rows.append(LedgerRow(**data))
        except (msgspec.DecodeError, TypeError) as exc:
            out.bad.append((number, str(exc).splitlines()[0][:200]))
    return out


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield number, line
