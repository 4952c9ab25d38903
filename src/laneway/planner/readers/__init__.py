"""Readers: turn input files into :class:`~laneway.planner.record.Record`s, one at a time.

A family of interchangeable input formats (OpenAI request logs, Codex rollouts, laneway's ledger),
detected per file or forced with ``--input-format``. Every reader streams: memory does not grow
with the input.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from laneway.engine import Engine
from laneway.errors import InputError
from laneway.planner.readers import codex, ledger, openai
from laneway.planner.readers.lines import Progress, Span, first_json, no_progress
from laneway.planner.record import BadLine, InputFormat, Record

KNOWN_FORMATS = ", ".join(f.value for f in InputFormat)


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    format: InputFormat
    size: int


def parse_format(value: str) -> InputFormat | None:
    """``auto`` -> None; a known format; else :class:`InputError` naming the known ones."""
    if value == "auto":
        return None
    try:
        return InputFormat(value.strip().lower())
    except ValueError:
        raise InputError(f"unknown input format {value!r} (known: auto, {KNOWN_FORMATS})") from None


def detect(path: Path) -> InputFormat:
    """The format of one file, from its first bytes / first JSON line."""
    if ledger.looks_like(path):
        return InputFormat.LEDGER
    value = first_json(path)
    if codex.looks_like(value):
        return InputFormat.CODEX
    if openai.looks_like(value):
        return InputFormat.OPENAI
    if value is None and path.stat().st_size == 0:
        raise InputError(f"{path}: empty file")
    raise InputError(f"{path}: unknown input format (known: {KNOWN_FORMATS})")


def expand(paths: Sequence[Path], forced: InputFormat | None = None) -> list[InputFile]:
    """Files to read: directories become their Codex rollouts (``rollout-*.jsonl``, recursively)."""
    files: list[InputFile] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob(codex.ROLLOUT_GLOB))
            if not found:
                raise InputError(f"{path}: no {codex.ROLLOUT_GLOB} files in this directory")
            files += [InputFile(f, forced or InputFormat.CODEX, f.stat().st_size) for f in found]
        elif path.is_file():
            files.append(InputFile(path, forced or detect(path), path.stat().st_size))
        else:
            raise InputError(f"{path}: no such file or directory")
    return files


def read(
    engine: Engine, file: InputFile, progress: Progress = no_progress, span: Span | None = None
) -> Iterator[Record | BadLine]:
    """Records of ``file``; ``span`` (a byte range) only for OpenAI logs, whose lines stand alone."""
    if file.format is InputFormat.LEDGER:
        return ledger.read_ledger(file.path, progress)
    if file.format is InputFormat.CODEX:
        return codex.read_codex(engine, file.path, progress)
    return openai.read_openai(engine, file.path, progress, span)


def splittable(file: InputFile) -> bool:
    """Whether ``file`` can be read in independent byte ranges (one record per line)."""
    return file.format is InputFormat.OPENAI


def read_all(
    engine: Engine, files: Sequence[InputFile], progress: Progress = no_progress
) -> Iterator[Record | BadLine]:
    for file in files:
        yield from read(engine, file, progress)
