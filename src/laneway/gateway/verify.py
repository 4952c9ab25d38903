"""Verification of a non-streamed reply: the evidence that a cheap model failed the task.

A reply fails when it asked for a ``json_schema`` response format and the text is not JSON, when a
function call's arguments do not parse, or when it carries no output at all. Replies cut short by
the client's own token limit (``finish_reason: length``, ``status: incomplete``) are not judged:
a bigger model would be cut short too. Returns a short cause, or ``None`` for a good reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

_decode = msgspec.json.Decoder()

#: Responses output items that are tool calls (a reply made only of these is not empty).
_CALL_ITEMS = frozenset(
    {
        "function_call", "custom_tool_call", "computer_call", "local_shell_call", "shell_call",
        "apply_patch_call", "web_search_call", "file_search_call", "code_interpreter_call",
        "image_generation_call", "mcp_call", "mcp_approval_request", "tool_search_call",
    }
)  # fmt: skip


def _parses(text: str) -> bool:
    try:
        _decode.decode(text)
    except msgspec.DecodeError:
        return False
    return True


def verify_reply(endpoint: str, reply: Mapping[str, Any], *, json_schema: bool) -> str | None:
    """The verification failure of ``reply`` (a decoded Chat or Responses body), or ``None``."""
    if endpoint == "chat":
        return _verify_chat(reply, json_schema)
    return _verify_responses(reply, json_schema)


def _verify_chat(reply: Mapping[str, Any], json_schema: bool) -> str | None:
    choices = reply.get("choices")
    if not isinstance(choices, list) or not choices:
        return "empty output (no choices)"
    choice = choices[0]
    if not isinstance(choice, Mapping) or choice.get("finish_reason") == "length":
        return None
    message = choice.get("message")
    if not isinstance(message, Mapping):
        return "empty output (no message)"
    calls = [c for c in message.get("tool_calls") or () if isinstance(c, Mapping)]
    for call in calls:
        fn = call.get("function")
        args = fn.get("arguments") if isinstance(fn, Mapping) else None
        if isinstance(args, str) and not _parses(args):
            return f"unparseable tool-call arguments ({fn.get('name') if isinstance(fn, Mapping) else '?'})"
    content = message.get("content")
    text = content if isinstance(content, str) else ""
    if not text.strip() and not calls and not message.get("refusal"):
        return "empty output"
    if json_schema and not calls and not message.get("refusal") and not _parses(text):
        return "invalid JSON for the json_schema response format"
    return None


def _verify_responses(reply: Mapping[str, Any], json_schema: bool) -> str | None:
    if reply.get("status") == "incomplete":
        return None
    output = reply.get("output")
    items = [i for i in output if isinstance(i, Mapping)] if isinstance(output, list) else []
    texts: list[str] = []
    calls = 0
    refusal = False
    for item in items:
        kind = item.get("type")
        if kind == "function_call":
            calls += 1
            args = item.get("arguments")
            if isinstance(args, str) and not _parses(args):
                return f"unparseable tool-call arguments ({item.get('name')})"
        elif kind in _CALL_ITEMS:
            calls += 1
        elif kind == "message":
            for part in item.get("content") or ():
                if not isinstance(part, Mapping):
                    continue
                if part.get("type") == "output_text" and isinstance(part.get("text"), str):
                    texts.append(part["text"])
                elif part.get("type") == "refusal":
                    refusal = True
    text = "".join(texts)
    if not text.strip() and not calls and not refusal:
        return "empty output"
    if json_schema and not calls and not refusal and not _parses(text):
        return "invalid JSON for the json_schema response format"
    return None
