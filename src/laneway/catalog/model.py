"""The catalog: typed model cards and lane policies, decoded strictly from YAML data.

The built-in data is ``builtin.yaml`` beside this module. A user's overrides (same shape, any
subset) are deep-merged over it, then the whole is decoded strictly: a wrong field fails with its
path and what was expected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib import resources
from typing import Any, TypeVar

import msgspec
import yaml

from laneway.errors import ConfigError
from laneway.lanes.lane import Lane

T = TypeVar("T")


class Prices(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """US dollars per one million tokens."""

    input: float
    cached_input: float
    output: float


class CodexSurfaces(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    local_messages: bool = False
    cloud_tasks: bool = False
    code_reviews: bool = False
    credits_per_local_task: float | None = None
    local_message_limit_multiplier: float | None = None


class Benchmark(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    score: float  # percent
    date: dt.date
    source: str = ""


class ModelCard(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    context_window: int
    max_output_tokens: int
    price_per_mtok: Prices
    role: str = ""
    knowledge_cutoff: dt.date | None = None
    input_modalities: list[str] = msgspec.field(default_factory=lambda: ["text"])
    function_calling: bool = True
    structured_outputs: bool = True
    hosted_tools: list[str] = msgspec.field(default_factory=list)
    tpm_by_tier: dict[int, int] = msgspec.field(default_factory=dict)
    codex: CodexSurfaces = msgspec.field(default_factory=CodexSurfaces)
    benchmarks: dict[str, Benchmark] = msgspec.field(default_factory=dict)
    upstream_name: str | None = None  # name to send upstream, when it differs from the key

    def supports_hosted_tool(self, tool: str) -> bool:
        return tool in self.hosted_tools

    def has_capability(self, capability: str) -> bool:
        """A Codex surface capability by name (``cloud_tasks``, ``code_reviews``...)."""
        return bool(getattr(self.codex, capability, False))


class LanePolicy(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    candidates: list[str]
    requires: str | None = None
    benchmark: str | None = None
    why: str = ""

    @property
    def owner(self) -> str:
        return self.candidates[0]


class Guide(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    title: str = ""
    checked: dt.date | None = None
    out_of_scope: str = ""


class Catalog(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    models: dict[str, ModelCard]
    lanes: dict[Lane, LanePolicy]
    hosted_tool_types: dict[str, list[str]] = msgspec.field(default_factory=dict)
    benchmark_names: dict[str, str] = msgspec.field(default_factory=dict)
    guide: Guide = msgspec.field(default_factory=Guide)

    def model(self, name: str) -> ModelCard:
        return self.models[name]

    def owner(self, lane: Lane) -> str:
        return self.lanes[lane].owner

    def hosted_tool_index(self) -> dict[str, str]:
        """Request tool ``type`` -> catalog hosted-tool name."""
        return {t: name for name, types in self.hosted_tool_types.items() for t in types}


def _builtin_data() -> dict[str, Any]:
    text = resources.files("laneway.catalog").joinpath("builtin.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def merge_overrides(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``overrides`` over ``base`` (mappings merge; everything else replaces)."""
    merged: dict[str, Any] = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_overrides(current, value)
        else:
            merged[key] = value
    return merged


def _yaml_keys_to_str(obj: Any) -> Any:
    """YAML gives ints and dates as keys/values; msgspec converts from str keys for dicts."""
    if isinstance(obj, Mapping):
        return {str(k): _yaml_keys_to_str(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_yaml_keys_to_str(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def load_catalog(overrides: Mapping[str, Any] | None = None, *, source: str = "catalog") -> Catalog:
    """The built-in catalog with ``overrides`` merged over it, validated.

    Raises :class:`ConfigError` naming the field path and what was expected.
    """
    data = _builtin_data()
    if overrides:
        if not isinstance(overrides, Mapping):
            raise ConfigError(source, "expected a mapping")
        data = merge_overrides(data, overrides)
    plain = _yaml_keys_to_str(data)
    models = _convert_each(plain.pop("models", None), ModelCard, f"{source}.models")
    lanes = _convert_each(plain.pop("lanes", None), LanePolicy, f"{source}.lanes")
    rest = _convert(plain, _CatalogRest, source)
    try:
        lane_map = {Lane.parse(name): policy for name, policy in lanes.items()}
    except ValueError as exc:
        raise ConfigError(f"{source}.lanes", str(exc)) from exc
    catalog = Catalog(
        models=models,
        lanes=lane_map,
        hosted_tool_types=rest.hosted_tool_types,
        benchmark_names=rest.benchmark_names,
        guide=rest.guide,
    )
    _check_references(catalog, source)
    return catalog


class _CatalogRest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    hosted_tool_types: dict[str, list[str]] = msgspec.field(default_factory=dict)
    benchmark_names: dict[str, str] = msgspec.field(default_factory=dict)
    guide: Guide = msgspec.field(default_factory=Guide)


def _convert(data: Any, kind: type[T], where: str) -> T:
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as exc:
        message, _, at = str(exc).partition(" - at ")
        path = at.strip("`").removeprefix("$").lstrip(".")
        raise ConfigError(f"{where}.{path}" if path else where, message) from exc


def _convert_each(data: Any, kind: type[T], where: str) -> dict[str, T]:
    """Decode a mapping of named entries one by one, so an error names the entry."""
    if not isinstance(data, Mapping):
        raise ConfigError(where, "expected a mapping of names to entries")
    return {name: _convert(entry, kind, f"{where}.{name}") for name, entry in data.items()}


def _check_references(catalog: Catalog, source: str) -> None:
    missing_lanes = [lane.value for lane in Lane if lane not in catalog.lanes]
    if missing_lanes:
        raise ConfigError(f"{source}.lanes", f"missing lanes: {', '.join(missing_lanes)}")
    for lane, policy in catalog.lanes.items():
        where = f"{source}.lanes.{lane.value}"
        if not policy.candidates:
            raise ConfigError(f"{where}.candidates", "expected at least one model")
        for name in policy.candidates:
            if name not in catalog.models:
                known = ", ".join(sorted(catalog.models))
                raise ConfigError(f"{where}.candidates", f"unknown model {name!r} (known: {known})")
        if policy.benchmark is not None and policy.benchmark not in catalog.benchmark_names:
            raise ConfigError(f"{where}.benchmark", f"unknown benchmark {policy.benchmark!r}")
        if policy.requires is not None and policy.requires not in CodexSurfaces.__struct_fields__:
            raise ConfigError(f"{where}.requires", f"unknown capability {policy.requires!r}")
    for name, card in catalog.models.items():
        for field, value in (
            ("context_window", card.context_window),
            ("max_output_tokens", card.max_output_tokens),
        ):
            if value <= 0:
                raise ConfigError(f"{source}.models.{name}.{field}", "expected a positive integer")
