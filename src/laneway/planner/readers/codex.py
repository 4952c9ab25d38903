"""Codex CLI session rollouts (``$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl``).

One record per turn that called a model (``task_started`` .. ``task_complete``): the model from ``turn_context``, the
token usage summed over the turn's ``token_count`` events (``last_token_usage`` of each model
call: input, cached input, output, reasoning), and a Responses body rebuilt from the session's
``response_item``s as Codex re-sends them (the full history: messages, tool calls, tool outputs,
images), so the engine profiles the turn exactly as the gateway would see its last request.

Memory is bounded by one session: old history items are kept compact (texts cut, images as
placeholders); the newest user message, which the classifier reads, is kept whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from laneway.cost import Usage
from laneway.engine import Engine
from laneway.errors import BadRequestError
from laneway.planner.readers.lines import Progress, json_lines, no_progress, timestamp
from laneway.planner.record import BadLine, InputFormat, Record, UsageSource

ROLLOUT_GLOB = "rollout-*.jsonl"
_ROLLOUT_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
#: Tools every local Codex turn declares (Codex 0.169 on Linux/macOS; see OPENAI_WIRE.md section 3).
#: Rollouts do not record the tool list, so the planner assumes these plus every tool the session called.
CODEX_LOCAL_TOOLS = ("exec_command", "write_stdin", "update_plan", "view_image")
_KEEP_TEXT = 2_000  # characters kept of an old non-user message
_KEEP_TOOL_TEXT = 512  # characters kept of a tool call's arguments or output (exit codes come first)
_END_EVENTS = frozenset({"task_complete", "turn_aborted"})
_CONTEXT_PREFIXES = ("<environment_context>", "<user_instructions>", "# AGENTS.md", "<INSTRUCTIONS>")


def looks_like(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("type") in _ROLLOUT_TYPES and "payload" in value


def _parts(content: Any, keep: int | None) -> list[dict[str, Any]] | str:
    if isinstance(content, str):
        return content if keep is None else content[:keep]
    parts: list[dict[str, Any]] = []
    for part in content if isinstance(content, list) else ():
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind in ("input_image", "image_url", "computer_screenshot"):
            parts.append({"type": "input_image", "image_url": ""})
        elif isinstance(part.get("text"), str):
            text: str = part["text"]
            parts.append({"type": kind or "input_text", "text": text if keep is None else text[:keep]})
    return parts


def _compact(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """The parts of a history item the profile reads; None for items it ignores (reasoning)."""
    kind = item.get("type")
    if kind == "message":
        keep = None if item.get("role") == "user" else _KEEP_TEXT
        return {"type": "message", "role": item.get("role"), "content": _parts(item.get("content"), keep)}
    if kind in ("function_call", "custom_tool_call"):
        payload_key = "arguments" if kind == "function_call" else "input"
        payload = item.get(payload_key)
        return {
            "type": kind,
            "name": item.get("name"),
            "call_id": item.get("call_id"),
            payload_key: payload[:_KEEP_TOOL_TEXT] if isinstance(payload, str) else "",
        }
    if kind in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
        return {
            "type": kind,
            "call_id": item.get("call_id"),
            "output": _parts(item.get("output"), _KEEP_TOOL_TEXT),
        }
    if kind == "reasoning" or not isinstance(kind, str):
        return None
    return {"type": kind, "call_id": item.get("call_id")}


class _Turn:
    __slots__ = ("line", "requests", "ts", "usage")

    def __init__(self, line: int, ts: float | None) -> None:
        self.line = line
        self.ts = ts
        self.usage = Usage()
        self.requests = 0


class _Session:
    """The state of one rollout file while it is read."""

    __slots__ = (
        "engine",
        "history",
        "hosted",
        "last_total",
        "model",
        "names",
        "originator",
        "path",
        "session_id",
        "subagent",
        "turn",
    )  # fmt: skip

    def __init__(self, engine: Engine, path: Path) -> None:
        self.engine = engine
        self.path = path
        self.history: list[dict[str, Any]] = []
        self.names: dict[str, None] = dict.fromkeys(CODEX_LOCAL_TOOLS)
        self.hosted: set[str] = set()
        self.model: str | None = None
        self.session_id: str | None = None
        self.originator = "codex_cli_rs"
        self.subagent: str | None = None
        self.turn: _Turn | None = None
        self.last_total: Any = None

    def meta(self, payload: Mapping[str, Any]) -> None:
        sid = payload.get("id", payload.get("session_id"))
        self.session_id = sid if isinstance(sid, str) else self.session_id
        originator = payload.get("originator")
        self.originator = originator if isinstance(originator, str) and originator else self.originator
        source = payload.get("source")
        if isinstance(source, Mapping) and "subagent" in source:  # {"subagent": "review"} / {...}
            sub = source["subagent"]
            self.subagent = sub if isinstance(sub, str) else next(iter(sub), "subagent")

    def item(self, payload: Mapping[str, Any], line: int, ts: float | None) -> None:
        kind = payload.get("type")
        if kind in ("function_call", "custom_tool_call") and isinstance(payload.get("name"), str):
            self.names[payload["name"]] = None
        elif kind == "web_search_call":
            self.hosted.add("web_search")
        compact = _compact(payload)
        if compact is None:
            return
        self.history.append(compact)
        if self.turn is None and kind == "message" and payload.get("role") == "user" and _is_task(payload):
            self.turn = _Turn(line, ts)  # rollouts without task_started events

    def tokens(self, info: Any, line: int, ts: float | None) -> None:
        if not isinstance(info, Mapping) or info.get("total_token_usage") == self.last_total:
            return  # no usage, or the same count repeated (Codex re-emits it with rate-limit updates)
        self.last_total = info.get("total_token_usage")
        last = info.get("last_token_usage")
        if not isinstance(last, Mapping):
            return
        if self.turn is None:
            self.turn = _Turn(line, ts)
        self.turn.usage = self.turn.usage + Usage(
            _int(last, "input_tokens"),
            _int(last, "cached_input_tokens"),
            _int(last, "output_tokens"),
            _int(last, "reasoning_output_tokens"),
        )
        self.turn.requests += 1

    def close(self) -> Record | BadLine | None:
        turn, self.turn = self.turn, None
        if turn is None or turn.requests == 0:
            return None  # no model call in this turn (a /review wrapper, an aborted turn): no cost
        tools: list[dict[str, Any]] = [{"type": "function", "name": n} for n in self.names]
        tools += [{"type": h} for h in sorted(self.hosted)]
        body: dict[str, Any] = {"model": self.model, "input": self.history, "tools": tools, "stream": True}
        headers = {"originator": self.originator}
        if self.session_id is not None:
            body["prompt_cache_key"] = self.session_id
            headers["session-id"] = self.session_id
        if self.subagent is not None:
            headers["x-openai-subagent"] = self.subagent
        try:
            profile = self.engine.profile(body, endpoint="responses", headers=headers)
        except BadRequestError as exc:
            return BadLine(str(self.path), turn.line, exc.message)
        return Record(
            source=str(self.path),
            line=turn.line,
            format=InputFormat.CODEX,
            usage=turn.usage,
            usage_source=UsageSource.ROLLOUT,
            ts=turn.ts,
            requests=turn.requests,
            profile=profile,
            logged_model=self.model,
        )


def _is_task(item: Mapping[str, Any]) -> bool:
    parts = _parts(item.get("content"), None)
    text = parts if isinstance(parts, str) else "".join(p.get("text", "") for p in parts)
    return bool(text.strip()) and not text.lstrip().startswith(_CONTEXT_PREFIXES)


def _int(mapping: Mapping[str, Any], key: str) -> int:
    value = mapping.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def read_codex(engine: Engine, path: Path, progress: Progress = no_progress) -> Iterator[Record | BadLine]:
    session = _Session(engine, path)
    for line in json_lines(path, progress):
        if line.error is not None:
            yield BadLine(str(path), line.number, line.error)
            continue
        value = line.value
        if not isinstance(value, Mapping) or not isinstance(value.get("payload"), Mapping):
            yield BadLine(str(path), line.number, "expected a rollout line {timestamp, type, payload}")
            continue
        done = _step(session, value["type"], value["payload"], line.number, timestamp(value.get("timestamp")))
        if done is not None:
            yield done
    last = session.close()
    if last is not None:
        yield last


def _step(
    session: _Session, kind: Any, payload: Mapping[str, Any], line: int, ts: float | None
) -> Record | BadLine | None:
    """Apply one rollout line; return a finished turn when this line ends one."""
    if kind == "session_meta":
        session.meta(payload)
    elif kind == "turn_context":
        model = payload.get("model")
        session.model = model if isinstance(model, str) else session.model
    elif kind == "response_item":
        session.item(payload, line, ts)
    elif kind == "compacted":
        replacement = payload.get("replacement_history")
        items = replacement if isinstance(replacement, list) else []
        session.history = [c for c in (_compact(i) for i in items if isinstance(i, Mapping)) if c]
    elif kind == "event_msg":
        event = payload.get("type")
        if event == "task_started":
            finished = session.close()
            session.turn = _Turn(line, ts)
            return finished
        if event == "token_count":
            session.tokens(payload.get("info"), line, ts)
        elif event in _END_EVENTS:
            return session.close()
    return None
