"""RequestProfile: what the decision engine needs to know about one request.

Extracted from real Chat Completions and Responses bodies as clients send them (the openai SDK,
the Codex CLI, any OpenAI-compatible client). Unknown fields and tool types pass through: they are
counted, never rejected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from laneway.cost import TOKENS_PER_IMAGE, estimate_text_tokens
from laneway.errors import BadRequestError
from laneway.lanes.lane import Lane, Surface

#: Function tools that run shell commands for an agent (Codex, OpenHands, SWE-agent, aider...).
SHELL_TOOL_NAMES = frozenset(
    {
        "exec_command", "shell", "shell_command", "bash", "run_command", "run_shell_command",
        "execute_command", "terminal", "run_terminal_cmd", "execute_bash", "local_shell",
        "container.exec", "cmd", "run",
    }
)  # fmt: skip
#: Tool-call item types in Responses input that are shell executions.
_SHELL_CALL_TYPES = frozenset({"local_shell_call", "shell_call"})
_SHELL_OUTPUT_TYPES = frozenset({"local_shell_call_output", "shell_call_output"})
#: Hosted tool types that make the request a computer-use worker.
_COMPUTER_TYPES = frozenset({"computer", "computer_use", "computer_use_preview"})
#: Wrapper texts Codex sends as user messages that are context, not the task.
_CONTEXT_PREFIXES = (
    "<environment_context>",
    "<user_instructions>",
    "# AGENTS.md",
    "<INSTRUCTIONS>",
)
#: Exit status as agents report it ("Process exited with code 1", "exit_code": 2, "Exit code: 127").
_EXIT_CODE = re.compile(
    r"(?:exited with code|exit(?:[ _]?code|[ _]status)\"?\s*[:=]?)\s*(-?\d+)", re.IGNORECASE
)
#: Characters at each end of a tool output searched for an exit status.
_STATUS_WINDOW = 512
#: Values of ``x-openai-subagent`` that mean "code review" (Codex's /review).
_REVIEW_SUBAGENTS = frozenset({"review", "code_review", "codex-auto-review"})

HINT_HEADER = "x-laneway-lane"
SURFACE_HEADER = "x-laneway-surface"
LANE_MODEL_PREFIX = "laneway/"


class RequestProfile(msgspec.Struct, frozen=True):
    endpoint: str  # "chat" | "responses" | "text"
    model: str | None = None
    task_text: str = ""  # the newest user task
    function_tools: tuple[str, ...] = ()  # function/custom tool names, namespaces flattened
    hosted_tools: frozenset[str] = frozenset()  # catalog hosted-tool names (web_search, ...)
    other_tool_types: frozenset[str] = frozenset()  # tool types laneway does not know
    images: int = 0  # images in user/system messages
    tool_output_images: int = 0  # images in tool outputs (screenshots)
    turns: int = 0  # user messages in the history
    tool_calls: int = 0
    shell_calls: int = 0
    failing_shell_calls: int = 0
    consecutive_shell_failures: int = 0  # failing shell outputs at the end of the history
    computer_calls: int = 0
    estimated_input_tokens: int = 0
    max_output_tokens: int | None = None
    session_key: str | None = None
    session_source: str | None = None
    lane_hint: Lane | None = None
    hint_source: str | None = None
    surface: Surface = Surface.API
    surface_source: str | None = None
    subagent: str | None = None  # why the request looks like a child agent, if it does
    review: str | None = None  # why the request is a code review by structure (Codex /review)
    json_schema: bool = False  # response format asks for a JSON schema
    stream: bool = False

    @property
    def shell_capable(self) -> bool:
        return "shell" in self.hosted_tools or not SHELL_TOOL_NAMES.isdisjoint(self.function_tools)

    @property
    def computer_capable(self) -> bool:
        return "computer_use" in self.hosted_tools


def text_profile(
    text: str,
    *,
    tools: Sequence[str] = (),
    images: int = 0,
    surface: Surface = Surface.API,
    hosted_index: Mapping[str, str] | None = None,
) -> RequestProfile:
    """A profile for a bare task text (``laneway route TEXT``, ``laneway eval``)."""
    index = hosted_index or {}
    hosted = frozenset(index[t] for t in tools if t in index)
    functions = tuple(t for t in tools if t not in index)
    return RequestProfile(
        endpoint="text",
        task_text=text,
        function_tools=functions,
        hosted_tools=hosted,
        images=images,
        turns=1,
        estimated_input_tokens=estimate_text_tokens(len(text)) + images * TOKENS_PER_IMAGE,
        surface=surface,
        surface_source="flag" if surface is not Surface.API else None,
    )


class _Walk:
    """One pass over the message history, accumulating counts (not kept beyond extraction)."""

    __slots__ = (
        "chars", "computer_calls", "consecutive_failures", "failing", "images", "shell_call_ids",
        "shell_calls", "task", "tool_calls", "tool_images", "turns",
    )  # fmt: skip

    def __init__(self) -> None:
        self.chars = 0
        self.images = 0
        self.tool_images = 0
        self.turns = 0
        self.tool_calls = 0
        self.shell_calls = 0
        self.failing = 0
        self.consecutive_failures = 0
        self.computer_calls = 0
        self.shell_call_ids: set[str] = set()
        self.task = ""

    def content(self, content: Any, *, tool_output: bool) -> str:
        """Count chars and images of a message/tool content; return its text."""
        if isinstance(content, str):
            self.chars += len(content)
            return content
        if not isinstance(content, list):
            return ""
        texts: list[str] = []
        for part in content:
            if not isinstance(part, dict):
                continue
            kind = part.get("type")
            if kind in ("text", "input_text", "output_text"):
                text = part.get("text")
                if isinstance(text, str):
                    self.chars += len(text)
                    texts.append(text)
            elif kind in ("image_url", "input_image", "computer_screenshot"):
                if tool_output:
                    self.tool_images += 1
                else:
                    self.images += 1
        return "\n".join(texts)

    def user_message(self, content: Any) -> None:
        text = self.content(content, tool_output=False)
        stripped = text.lstrip()
        if stripped and not stripped.startswith(_CONTEXT_PREFIXES):
            self.task = text
            self.turns += 1

    def shell_output(self, text: str) -> None:
        # Agents report the status at the head (Codex: "Process exited with code N") or the tail.
        if len(text) > 2 * _STATUS_WINDOW:
            match = _EXIT_CODE.search(text, 0, _STATUS_WINDOW) or _EXIT_CODE.search(
                text, len(text) - _STATUS_WINDOW
            )
        else:
            match = _EXIT_CODE.search(text)
        if match is not None and match.group(1) != "0":
            self.failing += 1
            self.consecutive_failures += 1
        elif match is not None:
            self.consecutive_failures = 0


def _chat_history(messages: Any, walk: _Walk) -> None:
    if not isinstance(messages, list):
        raise BadRequestError("'messages' must be an array of message objects", param="messages")
    for msg in messages:
        if not isinstance(msg, dict):
            continue
        role = msg.get("role")
        if role == "user":
            walk.user_message(msg.get("content"))
        elif role == "assistant":
            walk.content(msg.get("content"), tool_output=False)
            calls = msg.get("tool_calls")
            for call in calls if isinstance(calls, list) else ():
                if not isinstance(call, dict):
                    continue
                walk.tool_calls += 1
                fn = call.get("function")
                name = fn.get("name") if isinstance(fn, dict) else None
                args = fn.get("arguments") if isinstance(fn, dict) else None
                if isinstance(args, str):
                    walk.chars += len(args)
                if isinstance(name, str) and name in SHELL_TOOL_NAMES:
                    walk.shell_calls += 1
                    call_id = call.get("id")
                    if isinstance(call_id, str):
                        walk.shell_call_ids.add(call_id)
        elif role == "tool":
            text = walk.content(msg.get("content"), tool_output=True)
            call_id = msg.get("tool_call_id")
            if isinstance(call_id, str) and call_id in walk.shell_call_ids:
                walk.shell_output(text)
        else:
            walk.content(msg.get("content"), tool_output=False)


def _output_text(output: Any, walk: _Walk) -> str:
    if type(output) is str:  # the common case, inlined from walk.content
        walk.chars += len(output)
        return output
    if isinstance(output, dict):  # computer_call_output: {"type": "computer_screenshot", ...}
        walk.tool_images += 1 if output.get("type") in ("computer_screenshot", "input_image") else 0
        return ""
    return walk.content(output, tool_output=True)


_CALL_TYPES = frozenset({"function_call", "custom_tool_call"})
_OUTPUT_TYPES = frozenset({"function_call_output", "custom_tool_call_output"}) | _SHELL_OUTPUT_TYPES


def _responses_history(items: Any, walk: _Walk) -> None:
    if isinstance(items, str):
        walk.user_message(items)
        return
    if not isinstance(items, list):
        raise BadRequestError("'input' must be a string or an array of input items", param="input")
    shell_ids = walk.shell_call_ids
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = item.get("type", "message")
        if not isinstance(kind, str):  # not an item laneway knows; it passes through untouched
            continue
        if kind in _CALL_TYPES:
            walk.tool_calls += 1
            payload = item.get("arguments", item.get("input"))
            if isinstance(payload, str):
                walk.chars += len(payload)
            name = item.get("name")
            if isinstance(name, str) and name in SHELL_TOOL_NAMES:
                walk.shell_calls += 1
                call_id = item.get("call_id")
                if isinstance(call_id, str):
                    shell_ids.add(call_id)
        elif kind in _OUTPUT_TYPES:
            text = _output_text(item.get("output"), walk)
            call_id = item.get("call_id")
            if kind in _SHELL_OUTPUT_TYPES or (isinstance(call_id, str) and call_id in shell_ids):
                walk.shell_output(text)
        elif kind == "message":
            if item.get("role") == "user":
                walk.user_message(item.get("content"))
            else:
                walk.content(item.get("content"), tool_output=False)
        elif kind in _SHELL_CALL_TYPES:
            walk.tool_calls += 1
            walk.shell_calls += 1
            call_id = item.get("call_id")
            if isinstance(call_id, str):
                shell_ids.add(call_id)
        elif kind == "computer_call":
            walk.tool_calls += 1
            walk.computer_calls += 1
        elif kind == "computer_call_output":
            _output_text(item.get("output"), walk)


def _tools(
    tools: Any, hosted_index: Mapping[str, str]
) -> tuple[tuple[str, ...], frozenset[str], frozenset[str], int]:
    names: list[str] = []
    hosted: set[str] = set()
    other: set[str] = set()
    chars = 0
    stack = list(tools) if isinstance(tools, list) else []
    while stack:
        tool = stack.pop()
        if not isinstance(tool, dict):
            continue
        kind = tool.get("type")
        if not isinstance(kind, str):
            continue
        if kind in ("function", "custom"):
            inner = tool.get(kind)  # Chat nests {"function": {"name": ...}}
            spec = inner if isinstance(inner, dict) else tool
            name = spec.get("name")
            if isinstance(name, str):
                names.append(name)
            description = spec.get("description")
            chars += 64 + (len(description) if isinstance(description, str) else 0)
        elif kind == "namespace":
            stack.extend(t for t in tool.get("tools") or () if isinstance(t, dict))
        elif kind in hosted_index:
            hosted.add(hosted_index[kind])
        else:
            other.add(kind)
    return tuple(reversed(names)), frozenset(hosted), frozenset(other), chars


def _max_output(body: Mapping[str, Any]) -> int | None:
    for key in ("max_output_tokens", "max_completion_tokens", "max_tokens"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _hint(body: Mapping[str, Any], headers: Mapping[str, str]) -> tuple[Lane | None, str | None]:
    candidates: list[tuple[Any, str, str]] = [(headers.get(HINT_HEADER), "header", HINT_HEADER)]
    metadata = body.get("metadata")
    if isinstance(metadata, dict):
        candidates.append((metadata.get("lane"), "metadata.lane", "metadata.lane"))
    model = body.get("model")
    if isinstance(model, str) and model.startswith(LANE_MODEL_PREFIX):
        alias = model[len(LANE_MODEL_PREFIX) :]
        if alias != "auto":
            candidates.append((alias, f"model alias {model}", "model"))
    for value, source, param in candidates:
        if value is None or value == "":
            continue
        try:
            return Lane.parse(str(value)), source
        except ValueError as exc:
            raise BadRequestError(f"{param}: {exc}", param=param, code="invalid_lane") from exc
    return None, None


def _surface(body: Mapping[str, Any], headers: Mapping[str, str]) -> tuple[Surface, str | None]:
    explicit = headers.get(SURFACE_HEADER)
    metadata = body.get("metadata")
    if explicit is None and isinstance(metadata, dict):
        value = metadata.get("surface")
        explicit = value if isinstance(value, str) else None
    if explicit:
        try:
            return Surface.parse(explicit), SURFACE_HEADER
        except ValueError as exc:
            raise BadRequestError(str(exc), param="surface", code="invalid_surface") from exc
    originator = headers.get("originator", "")
    if originator.startswith("codex") or "x-codex-turn-metadata" in headers:
        return Surface.CODEX_LOCAL, f"originator {originator or 'codex'}"
    if isinstance(body.get("client_metadata"), dict) and any(
        k.startswith("x-codex") for k in body["client_metadata"]
    ):
        return Surface.CODEX_LOCAL, "client_metadata x-codex-*"
    return Surface.API, None


def _subagent(body: Mapping[str, Any], headers: Mapping[str, str]) -> str | None:
    for header in ("x-laneway-subagent", "x-openai-subagent"):
        value = headers.get(header)
        if value and value.lower() not in _REVIEW_SUBAGENTS:
            return f"header {header}: {value}"
    if headers.get("x-codex-parent-thread-id"):
        return "header x-codex-parent-thread-id"
    metadata = body.get("metadata")
    if isinstance(metadata, dict) and metadata.get("subagent") not in (None, False, "", "false"):
        return "metadata.subagent"
    return None


def _review(headers: Mapping[str, str]) -> str | None:
    value = headers.get("x-openai-subagent")
    if value and value.lower() in _REVIEW_SUBAGENTS:
        return f"header x-openai-subagent: {value}"
    return None


def _session(body: Mapping[str, Any], headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    for key in ("prompt_cache_key", "previous_response_id"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value, key
    for header in ("session-id", "session_id", "x-laneway-session"):
        value = headers.get(header)
        if value:
            return value, f"header {header}"
    return None, None


def profile_request(
    body: Mapping[str, Any],
    *,
    endpoint: str,
    headers: Mapping[str, str] | None = None,
    hosted_index: Mapping[str, str] | None = None,
) -> RequestProfile:
    """Extract a :class:`RequestProfile` from a Chat (``endpoint="chat"``) or Responses body.

    ``headers`` must have lower-case names. Raises :class:`BadRequestError` for a body that is not
    a request of that endpoint (missing ``messages``/``input``) or an invalid lane hint.
    """
    if not isinstance(body, dict):
        if not isinstance(body, Mapping):
            raise BadRequestError("request body must be a JSON object")
        body = dict(body)
    hdrs: Mapping[str, str] = headers or {}
    walk = _Walk()
    if endpoint == "chat":
        if "messages" not in body:
            raise BadRequestError("missing required parameter: 'messages'", param="messages")
        _chat_history(body["messages"], walk)
    elif endpoint == "responses":
        if "input" not in body:
            raise BadRequestError("missing required parameter: 'input'", param="input")
        instructions = body.get("instructions")
        if isinstance(instructions, str):
            walk.chars += len(instructions)
        _responses_history(body["input"], walk)
    else:
        raise ValueError(f"unknown endpoint {endpoint!r}")
    names, hosted, other, tool_chars = _tools(body.get("tools"), hosted_index or {})
    lane_hint, hint_source = _hint(body, hdrs)
    surface, surface_source = _surface(body, hdrs)
    session_key, session_source = _session(body, hdrs)
    model = body.get("model")
    return RequestProfile(
        endpoint=endpoint,
        model=model if isinstance(model, str) else None,
        task_text=walk.task,
        function_tools=names,
        hosted_tools=hosted,
        other_tool_types=other,
        images=walk.images,
        tool_output_images=walk.tool_images,
        turns=walk.turns,
        tool_calls=walk.tool_calls,
        shell_calls=walk.shell_calls,
        failing_shell_calls=walk.failing,
        consecutive_shell_failures=walk.consecutive_failures,
        computer_calls=walk.computer_calls,
        estimated_input_tokens=estimate_text_tokens(walk.chars + tool_chars)
        + (walk.images + walk.tool_images) * TOKENS_PER_IMAGE,
        max_output_tokens=_max_output(body),
        session_key=session_key,
        session_source=session_source,
        lane_hint=lane_hint,
        hint_source=hint_source,
        surface=surface,
        surface_source=surface_source,
        subagent=_subagent(body, hdrs),
        review=_review(hdrs),
        json_schema=_json_schema(body),
        stream=body.get("stream") is True,
    )


def _json_schema(body: Mapping[str, Any]) -> bool:
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        return True
    text = body.get("text")
    inner = text.get("format") if isinstance(text, dict) else None
    return isinstance(inner, dict) and inner.get("type") == "json_schema"
