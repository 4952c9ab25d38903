"""OpenAI-shaped reply bodies and SSE events for the simulated upstream (pure functions).

Shapes follow ``shared/design/OPENAI_WIRE.md`` sections 1-2: Chat Completions objects and
data-only chunks ending in ``[DONE]``; Responses objects and ``event:``+``data:`` streams from
``response.created`` to ``response.completed`` with a ``sequence_number``, no ``[DONE]``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_TOOL_WORD = re.compile(r"\btools?\b", re.IGNORECASE)
_EXEC_ARGS = '{"cmd":"echo laneway"}'


@dataclass(frozen=True, slots=True)
class SimUsage:
    input_tokens: int
    cached_tokens: int
    output_tokens: int
    reasoning_tokens: int

    def chat(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.input_tokens + self.output_tokens,
            "prompt_tokens_details": {"cached_tokens": self.cached_tokens, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": self.reasoning_tokens,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def responses(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "input_tokens_details": {"cached_tokens": self.cached_tokens, "cache_write_tokens": 0},
            "output_tokens": self.output_tokens,
            "output_tokens_details": {"reasoning_tokens": self.reasoning_tokens},
            "total_tokens": self.input_tokens + self.output_tokens,
        }


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    arguments: str
    call_id: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the simulated model says: text, or one tool call."""

    model: str
    text: str
    tool_call: ToolCall | None
    usage: SimUsage
    created: int


def new_id(prefix: str) -> str:
    """OpenAI-style ids: ``chatcmpl-…`` for Chat, ``resp_…``/``msg_…``/``call_…`` elsewhere."""
    sep = "-" if prefix == "chatcmpl" else "_"
    return f"{prefix}{sep}{uuid.uuid4().hex}"


# --- reading the request -------------------------------------------------------------------------


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(part.get("text", "")) for part in content if isinstance(part, Mapping) and "text" in part
        )
    return ""


def _items(body: Mapping[str, Any], endpoint: str) -> list[Any]:
    items = body.get("messages") if endpoint == "chat" else body.get("input")
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    return items if isinstance(items, list) else []


def last_user_text(body: Mapping[str, Any], endpoint: str) -> str:
    for item in reversed(_items(body, endpoint)):
        if isinstance(item, Mapping) and item.get("role") == "user":
            return _text_of(item.get("content"))
    return ""


def _newest_item_kind(body: Mapping[str, Any], endpoint: str) -> tuple[str, str]:
    """(kind, text) of the newest input item: kind is "user", "tool_output" or "other"."""
    items = _items(body, endpoint)
    if not items or not isinstance(items[-1], Mapping):
        return "other", ""
    item = items[-1]
    if item.get("role") == "tool" or str(item.get("type", "")).endswith("_call_output"):
        return "tool_output", ""
    if item.get("role") == "user":
        return "user", _text_of(item.get("content"))
    return "other", ""


def first_function_tool(body: Mapping[str, Any], endpoint: str) -> str | None:
    tools = body.get("tools")
    if not isinstance(tools, list):
        return None
    for tool in tools:
        if not isinstance(tool, Mapping) or tool.get("type") != "function":
            continue
        spec = tool.get("function") if endpoint == "chat" else tool
        if isinstance(spec, Mapping) and isinstance(spec.get("name"), str):
            return str(spec["name"])
    return None


def wants_json(body: Mapping[str, Any], endpoint: str) -> bool:
    if endpoint == "chat":
        fmt = body.get("response_format")
    else:
        text = body.get("text")
        fmt = text.get("format") if isinstance(text, Mapping) else None
    return isinstance(fmt, Mapping) and fmt.get("type") in ("json_schema", "json_object")


def plan_reply(
    body: Mapping[str, Any], endpoint: str, forced_tool: str | None
) -> tuple[str, ToolCall | None]:
    """Decide the reply text or tool call for a request (deterministic in the request)."""
    model = str(body.get("model", "unknown"))
    kind, newest_text = _newest_item_kind(body, endpoint)
    tool = first_function_tool(body, endpoint)
    if kind == "user" and (forced_tool or (tool and _TOOL_WORD.search(newest_text))):
        name = forced_tool or tool or ""
        args = _EXEC_ARGS if name == "exec_command" else "{}"
        return "", ToolCall(name=name, arguments=args, call_id=new_id("call"))
    if wants_json(body, endpoint):
        return "{}", None
    if kind == "tool_output":
        return f"Simulated reply from {model}: the tool ran.", None
    words = last_user_text(body, endpoint).split()[:8]
    return f"Simulated reply from {model} to: {' '.join(words)}", None


def split_text(text: str, parts: int) -> list[str]:
    """``text`` cut into at most ``parts`` non-empty pieces whose concatenation is ``text``."""
    parts = max(1, min(parts, len(text)))
    if not text:
        return [""]
    size = -(-len(text) // parts)
    return [text[i : i + size] for i in range(0, len(text), size)]


# --- Chat Completions ----------------------------------------------------------------------------


def chat_completion(reply: Reply, completion_id: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None, "annotations": []}
    finish = "stop"
    if reply.tool_call is not None:
        call = reply.tool_call
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": call.call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
        ]
        finish = "tool_calls"
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": reply.created,
        "model": reply.model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": reply.usage.chat(),
        "service_tier": "default",
        "system_fingerprint": None,
    }


def chat_chunks(reply: Reply, completion_id: str, n_chunks: int, include_usage: bool) -> Iterator[bytes]:
    """Every SSE event of a streamed Chat Completion, ``data: [DONE]`` last."""

    def chunk(choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> bytes:
        obj: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": reply.created,
            "model": reply.model,
            "service_tier": "default",
            "system_fingerprint": None,
            "choices": choices,
        }
        if include_usage:
            obj["usage"] = usage
        return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"

    def choice(delta: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
        return [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]

    if reply.tool_call is None:
        yield chunk(choice({"role": "assistant", "content": "", "refusal": None}))
        for piece in split_text(reply.text, n_chunks):
            yield chunk(choice({"content": piece}))
        yield chunk(choice({}, "stop"))
    else:
        call = reply.tool_call
        head = {
            "index": 0,
            "id": call.call_id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        yield chunk(choice({"role": "assistant", "content": None, "refusal": None, "tool_calls": [head]}))
        yield chunk(choice({"tool_calls": [{"index": 0, "function": {"arguments": call.arguments}}]}))
        yield chunk(choice({}, "tool_calls"))
    if include_usage:
        yield chunk([], reply.usage.chat())
    yield b"data: [DONE]\n\n"


# --- Responses -----------------------------------------------------------------------------------


def _output_item(reply: Reply, item_id: str, *, done: bool) -> dict[str, Any]:
    status = "completed" if done else "in_progress"
    if reply.tool_call is not None:
        call = reply.tool_call
        return {
            "id": item_id,
            "type": "function_call",
            "status": status,
            "call_id": call.call_id,
            "name": call.name,
            "arguments": call.arguments if done else "",
        }
    content = [_text_part(reply.text)] if done else []
    return {"id": item_id, "type": "message", "status": status, "role": "assistant", "content": content}


def _text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def response_object(
    body: Mapping[str, Any], reply: Reply, response_id: str, item_id: str, *, done: bool
) -> dict[str, Any]:
    """A full ``Response``: completed (with output and usage) or in progress (empty)."""
    text = body.get("text")
    return {
        "id": response_id,
        "object": "response",
        "created_at": reply.created,
        "status": "completed" if done else "in_progress",
        "background": False,
        "completed_at": reply.created if done else None,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": reply.model,
        "output": [_output_item(reply, item_id, done=True)] if done else [],
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default",
        "store": body.get("store", True),
        "temperature": 1.0,
        "text": text if isinstance(text, Mapping) else {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools", []),
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": reply.usage.responses() if done else None,
        "user": None,
        "metadata": body.get("metadata") or {},
    }


def response_events(
    body: Mapping[str, Any], reply: Reply, response_id: str, n_chunks: int
) -> Iterator[dict[str, Any]]:
    """Every event of a streamed Response, in OpenAI's order (without ``sequence_number``)."""
    item_id = new_id("fc" if reply.tool_call else "msg")
    pending = response_object(body, reply, response_id, item_id, done=False)
    yield {"type": "response.created", "response": pending}
    yield {"type": "response.in_progress", "response": pending}
    where = {"item_id": item_id, "output_index": 0}
    yield {
        "type": "response.output_item.added",
        "output_index": 0,
        "item": _output_item(reply, item_id, done=False),
    }
    if reply.tool_call is not None:
        args = reply.tool_call.arguments
        yield {"type": "response.function_call_arguments.delta", **where, "delta": args}
        yield {
            "type": "response.function_call_arguments.done",
            **where,
            "name": reply.tool_call.name,
            "arguments": args,
        }
    else:
        part = {**where, "content_index": 0}
        yield {"type": "response.content_part.added", **part, "part": _text_part("")}
        for piece in split_text(reply.text, n_chunks):
            yield {"type": "response.output_text.delta", **part, "delta": piece, "logprobs": []}
        yield {"type": "response.output_text.done", **part, "text": reply.text, "logprobs": []}
        yield {"type": "response.content_part.done", **part, "part": _text_part(reply.text)}
    yield {
        "type": "response.output_item.done",
        "output_index": 0,
        "item": _output_item(reply, item_id, done=True),
    }
    yield {
        "type": "response.completed",
        "response": response_object(body, reply, response_id, item_id, done=True),
    }


def sse_event(event: dict[str, Any], sequence_number: int) -> bytes:
    event["sequence_number"] = sequence_number
    data = json.dumps(event, separators=(",", ":"))
    return f"event: {event['type']}\ndata: {data}\n\n".encode()


def error_body(status: int, message: str) -> dict[str, Any]:
    """OpenAI's ``{"error": {...}}`` for a status."""
    kind, code = _ERROR_KINDS.get(
        status, ("server_error" if status >= 500 else "invalid_request_error", None)
    )
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


_ERROR_KINDS: Mapping[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "not_found"),
    408: ("server_error", "timeout"),
    409: ("invalid_request_error", "conflict"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", "bad_gateway"),
    503: ("server_error", "server_is_overloaded"),
    504: ("server_error", "timeout"),
}


def estimate_tokens(chars: int) -> int:
    return max(1, -(-chars // 4))


def usage_for(
    body_chars: int,
    reply_chars: int,
    *,
    input_tokens: int | None,
    output_tokens: int | None,
    reasoning_tokens: int,
    cached_fraction: float,
) -> SimUsage:
    inp = input_tokens if input_tokens is not None else estimate_tokens(body_chars)
    out = (output_tokens if output_tokens is not None else estimate_tokens(reply_chars)) + reasoning_tokens
    return SimUsage(inp, int(inp * cached_fraction), out, reasoning_tokens)
