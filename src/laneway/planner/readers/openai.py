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


def _headers(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k).lower(): str(v) for k, v in value.items() if isinstance(v, str | int | float)}


def _when(line: Mapping[str, Any], response: Mapping[str, Any] | None) -> float | None:
    for source in (line, response or {}):
        for key in _TIME_KEYS:
            ts = timestamp(source.get(key))
            if ts is not None:
                return ts
    return None


def _record(engine: Engine, path: Path, number: int, line: Any) -> Record | BadLine:
    if not isinstance(line, Mapping):
        return BadLine(
            str(path), number, "expected a JSON object (a request body or a request/response pair)"
        )
    pair = "request" in line
    body = line["request"] if pair else line
    if not isinstance(body, Mapping):
        return BadLine(str(path), number, "'request' must be a JSON object")
    endpoint = endpoint_of(body)
    if endpoint is None:
        return BadLine(str(path), number, "neither 'messages' (Chat) nor 'input' (Responses) is present")
    response = line.get("response") if pair else None
    response = response if isinstance(response, Mapping) else None
    try:
        profile = engine.profile(body, endpoint=endpoint, headers=_headers(line.get("headers")))
    except BadRequestError as exc:
        return BadLine(str(path), number, exc.message)
    wire = response.get("usage") if response is not None else None
    if isinstance(wire, Mapping):
        usage, source = usage_from_wire(wire), UsageSource.RESPONSE
    else:
        usage, source = estimated_usage(engine, profile), UsageSource.ESTIMATED
    model = (response or {}).get("model", body.get("model"))
    return Record(
        source=str(path),
        line=number,
        format=InputFormat.OPENAI,
        usage=usage,
        usage_source=source,
        ts=_when(line, response) if pair else timestamp(line.get("timestamp")),
        profile=profile,
        logged_model=model if isinstance(model, str) else None,
    )


def read_openai(
    engine: Engine, path: Path, progress: Progress = no_progress, span: Span | None = None
) -> Iterator[Record | BadLine]:
    """Records of ``path`` (or of ``span`` of it: lines then count from the span's start)."""
    for line in json_lines(path, progress, span):
        if line.error is not None:
            yield BadLine(str(path), line.number, line.error)
        else:
            yield _record(engine, path, line.number, line.value)
