"""The body sent upstream: the client's JSON with ``model`` replaced, and only what must change.

Hosted tools the decision strips are removed; a Chat stream asks upstream for usage
(``stream_options.include_usage``) so the reply can be priced. Unknown fields pass through
untouched. When nothing changes, the client's bytes are sent as they came.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import msgspec

_encode = msgspec.json.Encoder()


def client_wants_usage(body: Mapping[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, Mapping) and options.get("include_usage") is True


class UpstreamBody:
    """Builds (and caches, per upstream model name) the bytes for one request."""

    __slots__ = ("_body", "_cache", "_drop", "_raw", "_usage")

    def __init__(
        self,
        body: Mapping[str, Any],
        raw: bytes,
        *,
        ask_usage: bool,
        drop_tool_types: Collection[str] = (),
    ) -> None:
        self._body = body
        self._raw = raw
        self._usage = ask_usage
        self._drop = frozenset(drop_tool_types)
        self._cache: dict[str, bytes] = {}

    def for_model(self, model: str) -> bytes:
        cached = self._cache.get(model)
        if cached is None:
            cached = self._cache[model] = self._build(model)
        return cached

    def _build(self, model: str) -> bytes:
        body = self._body
        if body.get("model") == model and not self._usage and not self._drop:
            return self._raw
        out = dict(body)
        out["model"] = model
        if self._usage:
            options = body.get("stream_options")
            out["stream_options"] = {
                **(options if isinstance(options, Mapping) else {}),
                "include_usage": True,
            }
        tools = body.get("tools")
        if self._drop and isinstance(tools, list):
            kept = [t for t in tools if not (isinstance(t, Mapping) and t.get("type") in self._drop)]
            if kept:
                out["tools"] = kept
            else:
                out.pop("tools", None)
                out.pop("tool_choice", None)
        return _encode.encode(out)
