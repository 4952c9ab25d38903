"""Line-by-line JSON reading shared by the JSONL readers: constant memory, byte progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec

from laneway.errors import InputError

#: Called with the number of bytes just consumed (drives the progress bar).
Progress = Callable[[int], None]
#: Report progress at most every this many bytes (a callback per line would cost more than the line).
PROGRESS_STEP = 1 << 20

_decoder = msgspec.json.Decoder()  # stateless; decoding is re-entrant


def no_progress(_: int) -> None:
    return None


class JsonLine(msgspec.Struct, frozen=True):
    number: int
    value: Any = None
    error: str | None = None


def json_lines(path: Path, progress: Progress = no_progress) -> Iterator[JsonLine]:
    """Each non-blank line of ``path`` decoded, or its decode error; blank lines are skipped."""
    pending = 0
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with fh:
        for number, raw in enumerate(fh, start=1):
            pending += len(raw)
            if pending >= PROGRESS_STEP:
                progress(pending)
                pending = 0
            if not raw.strip():
                continue
            try:
                yield JsonLine(number, _decoder.decode(raw))
            except msgspec.DecodeError as exc:
                yield JsonLine(number, error=f"invalid JSON: {exc}")
    progress(pending)


def first_json(path: Path, *, max_lines: int = 50) -> Any:
    """The first decodable JSON value in ``path`` (for format detection), or None."""
    try:
        with path.open("rb") as fh:
            for i, raw in enumerate(fh):
                if i >= max_lines:
                    break
                if raw.strip():
                    try:
                        return _decoder.decode(raw)
                    except msgspec.DecodeError:
                        continue
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return None


def timestamp(value: Any) -> float | None:
    """Unix seconds from a number (seconds or milliseconds) or an ISO-8601 string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
        return seconds / 1000.0 if seconds > 1e11 else seconds
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.timestamp()
    return None
