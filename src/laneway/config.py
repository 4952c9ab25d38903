"""laneway's configuration: one YAML file, decoded strictly (a typo fails at start with its path).

Built once at start and passed in; nothing reads it from a global. Every section has embedded
defaults, so an empty file (or none) is a working configuration.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec
import yaml

from laneway.catalog.model import Catalog, load_catalog
from laneway.errors import ConfigError
from laneway.keys.settings import AuthSettings, KeyStoreSettings
from laneway.lanes.lane import Lane
from laneway.limits.settings import LimitsSettings


class PolicySettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """How lanes become models, beyond the catalog's lane table."""

    #: Hosted tools the operator allows laneway to remove so a model without them can serve.
    strip_hosted_tools: list[str] = msgspec.field(default_factory=list)
    #: Below this classifier confidence, use ``default_lane`` (mini first, escalates on failure).
    min_confidence: float = 0.5
    default_lane: Lane = Lane.ROUTINE
    #: Shell calls in the history that, with a shell tool declared, make a request terminal work.
    terminal_shell_calls: int = 3
    #: Consecutive failing shell commands at the end of the history that escalate a session.
    escalate_after_shell_failures: int = 3
    #: The model a session escalates to ("codex second").
    escalation_model: str = "gpt-5.3-codex"
    #: Output tokens assumed for a cost estimate when the request sets no maximum.
    expected_output_tokens: int = 1000


class ClassifierSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    #: Weights file from ``laneway train``; empty means the weights shipped with laneway.
    weights: str | None = None


class Config(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    #: Overrides and additions to the built-in catalog (same shape as catalog/builtin.yaml).
    catalog: dict[str, Any] = msgspec.field(default_factory=dict)
    policy: PolicySettings = msgspec.field(default_factory=PolicySettings)
    classifier: ClassifierSettings = msgspec.field(default_factory=ClassifierSettings)
    auth: AuthSettings = msgspec.field(default_factory=AuthSettings)
    keys: KeyStoreSettings = msgspec.field(default_factory=KeyStoreSettings)
    limits: LimitsSettings = msgspec.field(default_factory=LimitsSettings)

    def build_catalog(self) -> Catalog:
        catalog = load_catalog(self.catalog, source="catalog")
        if self.policy.escalation_model not in catalog.models:
            raise ConfigError("policy.escalation_model", f"unknown model {self.policy.escalation_model!r}")
        known_tools = set(catalog.hosted_tool_types)
        for tool in self.policy.strip_hosted_tools:
            if tool not in known_tools:
                raise ConfigError(
                    "policy.strip_hosted_tools",
                    f"unknown hosted tool {tool!r} (known: {', '.join(sorted(known_tools))})",
                )
        return catalog


def _path_of(exc: msgspec.ValidationError) -> tuple[str, str]:
    message, _, where = str(exc).partition(" - at ")
    return where.strip("`").removeprefix("$").lstrip("."), message


def parse_config(data: Any, *, source: str = "config") -> Config:
    """Decode a parsed YAML/JSON mapping into a :class:`Config`, or raise :class:`ConfigError`."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, "expected a mapping at the top level")
    try:
        config = msgspec.convert(data, Config, strict=False)
    except msgspec.ValidationError as exc:
        path, message = _path_of(exc)
        raise ConfigError(f"{source}:{path}" if path else source, message) from exc
    config.build_catalog()  # validate the catalog overrides now, not on the first request
    return config


def load_config(path: str | os.PathLike[str] | None) -> Config:
    """Read ``path`` (YAML); ``None`` gives the embedded defaults."""
    if path is None:
        return Config()
    file = Path(path)
    try:
        text = file.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(str(file), f"cannot read config: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(str(file), f"invalid YAML: {exc}") from exc
    return parse_config(data, source=str(file))
