"""Line-by-line JSON reading shared by the JSONL readers: constant memory, byte progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@dataclass(slots=True)
class Span:
    """A byte range of a file that starts at a line start (``end=None``: to the end of the file).

    Lines are numbered from 1 within the span; once read, ``lines`` holds how many it had.
    """

    start: int = 0
    end: int | None = None
    lines: int = 0


def json_lines(path: Path, progress: Progress = no_progress, span: Span | None = None) -> Iterator[JsonLine]:
    """Each non-blank line of ``path`` (or of ``span`` of it) decoded, or its decode error;
    blank lines are skipped."""
    span = span or Span()
    pending = 0
    remaining = -1 if span.end is None else span.end - span.start
    number = 0
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with fh:
        if span.start:
            fh.seek(span.start)
        for raw in fh:
            number += 1
            size = len(raw)
            pending += size
            if pending >= PROGRESS_STEP:
                progress(pending)
                pending = 0
            if not raw.isspace():
                try:
                    yield JsonLine(number, _decoder.decode(raw))
                except msgspec.DecodeError as exc:
                    yield JsonLine(number, error=f"invalid JSON: {exc}")
            if remaining >= 0:
                remaining -= size
                if remaining <= 0:
                    break
    span.lines = number
    progress(pending)


def line_spans(path: Path, size: int, step: int) -> list[Span]:
    """``path`` cut into spans of about ``step`` bytes, each starting at a line start."""
    starts = [0]
    with path.open("rb") as fh:
        while starts[-1] + step < size:
            fh.seek(starts[-1] + step)
            fh.readline()
            if fh.tell() >= size:
                break
            starts.append(fh.tell())
    return [Span(a, b) for a, b in zip(starts, [*starts[1:], None], strict=True)]


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
