"""OpenAI request logs (JSONL): one Chat or Responses request body per line, or
``{"request": body, "response": reply}`` pairs (optionally with ``headers`` and ``timestamp``).

Usage comes from the response's ``usage`` when the line carries one, and is otherwise the engine's
own pre-call estimate (the record says which).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from laneway.cost import Usage, usage_from_wire
from laneway.engine import Engine
from laneway.errors import BadRequestError
from laneway.lanes.profile import RequestProfile
from laneway.planner.readers.lines import Progress, Span, json_lines, no_progress, timestamp
from laneway.planner.record import BadLine, InputFormat, Record, UsageSource

_TIME_KEYS = ("timestamp", "ts", "time", "created_at", "created")


def looks_like(value: Any) -> bool:
    """Whether a decoded line is an OpenAI request body or a request/response pair."""
    if not isinstance(value, Mapping):
        return False
    body = value.get("request", value)
    return isinstance(body, Mapping) and ("messages" in body or "input" in body)


def endpoint_of(body: Mapping[str, Any]) -> str | None:
    if "messages" in body:
        return "chat"
    if "input" in body:
        return "responses"
    return None


def estimated_usage(engine: Engine, profile: RequestProfile) -> Usage:
    """The engine's own pre-call estimate: the policy's input estimate and expected output."""
    output = engine.settings.expected_output_tokens
    if profile.max_output_tokens is not None:
        output = min(output, profile.max_output_tokens)
    return Usage(profile.estimated_input_tokens, 0, output)


def _is_object(value: Any) -> bool:
    # decoded JSON objects are dicts: the exact-type test skips the (slower) ABC check
    return type(value) is dict or isinstance(value, Mapping)


def _headers(value: Any) -> dict[str, str]:
    if value is None or not _is_object(value):
        return {}
    return {str(k).lower(): str(v) for k, v in value.items() if isinstance(v, str | int | float)}


def _when(line: Mapping[str, Any], response: Mapping[str, Any] | None) -> float | None:
    for source in (line, response or {}):
        for key in _TIME_KEYS:
            value = source.get(key)
            ts = None if value is None else timestamp(value)
            if ts is not None:
                return ts
    return None


def _record(engine: Engine, source: str, number: int, line: Any) -> Record | BadLine:
    if not _is_object(line):
        return BadLine(source, number, "expected a JSON object (a request body or a request/response pair)")
    pair = "request" in line
    body = line["request"] if pair else line
    if not _is_object(body):
        return BadLine(source, number, "'request' must be a JSON object")
    endpoint = endpoint_of(body)
    if endpoint is None:
        return BadLine(source, number, "neither 'messages' (Chat) nor 'input' (Responses) is present")
    response = line.get("response") if pair else None
    response = response if response is not None and _is_object(response) else None
    try:
        profile = engine.profile(body, endpoint=endpoint, headers=_headers(line.get("headers")))
    except BadRequestError as exc:
        return BadLine(source, number, exc.message)
    wire = response.get("usage") if response is not None else None
    if wire is not None and _is_object(wire):
        usage, usage_source = usage_from_wire(wire), UsageSource.RESPONSE
    else:
        usage, usage_source = estimated_usage(engine, profile), UsageSource.ESTIMATED
    model = (response or {}).get("model", body.get("model"))
    return Record(
        source=source,
        line=number,
        format=InputFormat.OPENAI,
        usage=usage,
        usage_source=usage_source,
        ts=_when(line, response) if pair else timestamp(line.get("timestamp")),
        profile=profile,
        logged_model=model if isinstance(model, str) else None,
    )


def read_openai(
    engine: Engine, path: Path, progress: Progress = no_progress, span: Span | None = None
) -> Iterator[Record | BadLine]:
    """Records of ``path`` (or of ``span`` of it: lines then count from the span's start)."""
    source = str(path)
    for line in json_lines(path, progress, span):
        if line.error is not None:
            yield BadLine(source, line.number, line.error)
        else:
            yield _record(engine, source, line.number, line.value)
