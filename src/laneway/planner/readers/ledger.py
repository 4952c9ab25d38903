"""laneway's own ledger (a SQLite file written by ``laneway serve``), shadow mode included.

Rows carry the decision the gateway made with the same engine (lane, model served), the usage the
upstream reported and, in shadow mode, the lane and model laneway *would* have chosen. The reader
finds the table by its columns (the :class:`~laneway.ledger.base.LedgerRow` field names) and reads
only the columns it knows, row by row, so a newer ledger with more columns still reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import fields
from pathlib import Path
from typing import Any

from laneway.cost import Usage
from laneway.errors import InputError
from laneway.lanes.lane import Lane
from laneway.ledger.base import LedgerRow
from laneway.planner.readers.lines import Progress, no_progress
from laneway.planner.record import BadLine, InputFormat, Record, Served, UsageSource

SQLITE_MAGIC = b"SQLite format 3\x00"
_REQUIRED = frozenset({"lane", "input_tokens", "output_tokens"})
_KNOWN = tuple(f.name for f in fields(LedgerRow))
_PROGRESS_ROWS = 10_000


def looks_like(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _table(db: sqlite3.Connection, path: Path) -> tuple[str, list[str]]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for name in tables:
        columns = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
        if set(columns) >= _REQUIRED:
            return name, [c for c in columns if c in _KNOWN]
    raise InputError(
        f"{path}: SQLite file without a laneway ledger table (need columns {', '.join(sorted(_REQUIRED))})"
    )


def _lane(value: Any) -> Lane | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return Lane.parse(value)
    except ValueError:
        return None


def _int(row: Mapping[str, Any], key: str) -> int:
    value = row.get(key)
    return int(value) if isinstance(value, int | float) else 0


def _record(path: Path, number: int, row: Mapping[str, Any]) -> Record | BadLine:
    lane = _lane(row.get("lane"))
    model = row.get("model_served") or row.get("model_requested")
    if lane is None or not isinstance(model, str):
        return BadLine(
            str(path), number, f"row without a known lane and served model (lane={row.get('lane')!r})"
        )
    mode = row.get("mode") if isinstance(row.get("mode"), str) else "route"
    shadow_model = row.get("shadow_model")
    cost = row.get("cost_usd")
    served = Served(
        lane=lane,
        model=model,
        cost_usd=float(cost) if isinstance(cost, int | float) else 0.0,
        shadow_lane=_lane(row.get("shadow_lane")),
        shadow_model=shadow_model if isinstance(shadow_model, str) and shadow_model else None,
        mode=str(mode),
    )
    ts = row.get("ts")
    return Record(
        source=str(path),
        line=number,
        format=InputFormat.LEDGER,
        usage=Usage(
            _int(row, "input_tokens"),
            _int(row, "cached_input_tokens"),
            _int(row, "output_tokens"),
            _int(row, "reasoning_tokens"),
        ),
        usage_source=UsageSource.LEDGER,
        ts=float(ts) if isinstance(ts, int | float) else None,
        served=served,
        logged_model=model,
    )


def read_ledger(path: Path, progress: Progress = no_progress) -> Iterator[Record | BadLine]:
    size = path.stat().st_size
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{path}: cannot open SQLite ledger: {exc}") from exc
    with closing(db):
        try:
            table, columns = _table(db, path)
            order = " ORDER BY ts" if "ts" in columns else ""
            # table and column names come from the file's own schema, never from input text
            cursor = db.execute(f'SELECT {", ".join(columns)} FROM "{table}"{order}')
            count = max(1, db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])
            for number, values in enumerate(cursor, start=1):
                yield _record(path, number, dict(zip(columns, values, strict=True)))
                if number % _PROGRESS_ROWS == 0:
                    progress(size * _PROGRESS_ROWS // count)
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{path}: cannot read SQLite ledger: {exc}") from exc
