"""laneway's configuration: one YAML file, decoded strictly (a typo fails at start with its path).

Built once at start and passed in; nothing reads it from a global. Every section has embedded
defaults, so an empty file (or none) is a working configuration.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import msgspec
import yaml

from laneway.catalog.model import Catalog, load_catalog
from laneway.errors import ConfigError
from laneway.keys.settings import AuthSettings, KeyStoreSettings
from laneway.lanes.lane import Lane
from laneway.limits.settings import LimitsSettings
from laneway.sessions.settings import SessionSettings


class PolicySettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """How lanes become models, beyond the catalog's lane table."""

    #: Hosted tools the operator allows laneway to remove so a model without them can serve.
    strip_hosted_tools: list[str] = msgspec.field(default_factory=list)
    #: The same, for requests from a Codex surface only. The Codex CLI declares ``web_search``
    #: on every turn, for every model, gpt-5.3-codex included (its own default), so without this
    #: no Codex request could reach gpt-5.3-codex: not its terminal work, not an escalation.
    #: Set ``[]`` to keep every Codex request that declares it on a model that has it.
    codex_strip_hosted_tools: list[str] = msgspec.field(default_factory=lambda: ["web_search"])
    #: Below this classifier confidence, use ``default_lane`` (mini first, escalates on failure).
    #: 0.4: on leave-one-source-out predictions it sends 1.0% of the corpus texts to the default
    #: (model accuracy 0.945 -> 0.946; evaluation folder 0.970 -> 0.976); 0.5 sends 3.4% (0.943).
    min_confidence: float = 0.4
    default_lane: Lane = Lane.ROUTINE
    #: Shell calls in the history that, with a shell tool declared, make a request terminal work.
    terminal_shell_calls: int = 3
    #: Consecutive failing shell commands at the end of the history that escalate a session.
    escalate_after_shell_failures: int = 3
    #: The model a session escalates to ("codex second").
    escalation_model: str = "gpt-5.3-codex"
    #: The cost <-> quality knob, for text-classified requests. Empty: the most likely lane wins.
    #: A number t in (0, 1): the lanes ``escalation_model`` owns win only when the classifier puts
    #: at least t of its probability on them together, else the likeliest other lane does. Higher
    #: t: fewer codex calls, lower cost; lower t: more codex, for work where a miss costs more.
    #: ``laneway plan --codex-threshold`` shows what each setting would cost on your logs.
    codex_threshold: float | None = None
    #: Output tokens assumed for a cost estimate when the request sets no maximum.
    expected_output_tokens: int = 1000

    def __post_init__(self) -> None:
        if self.codex_threshold is not None and not 0 < self.codex_threshold < 1:
            raise ValueError(f"codex_threshold must be between 0 and 1 (got {self.codex_threshold})")


class ClassifierSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    #: Weights file from ``laneway train``; empty means the weights shipped with laneway.
    weights: str | None = None


# -- gateway (``laneway serve``) ---------------------------------------------------------------

#: Routing modes: ``route`` decides every request; ``shadow`` serves the requested model and logs
#: what laneway would have done; ``off`` forwards the requested model untouched.
RoutingMode = Literal["route", "shadow", "off"]
ProviderType = Literal["openai", "simulated"]
OPENAI_BASE_URL = "https://api.openai.com/v1"


def _positive(path: str, value: float) -> None:
    if value <= 0:
        raise ValueError(f"{path} must be > 0 (got {value})")


class ServerSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    host: str = "127.0.0.1"
    port: int = 4000
    #: Request bodies over this many bytes get 413 (Codex resends the whole history: keep it big).
    max_body_bytes: int = 32 * 1024 * 1024
    routing: RoutingMode = "route"
    #: Model names that ask laneway to route (``laneway/<lane>`` always forces a lane).
    auto_aliases: list[str] = msgspec.field(default_factory=lambda: ["laneway/auto", "auto"])
    #: The OpenAI usage tier of the account (1-5): the catalog's per-tier limits apply.
    tier: int = 1
    #: Requests one process serves at once (streams included); more get 503 ``server_overloaded``
    #: with ``retry-after: 1`` at once, before any work, instead of queueing without bound.
    #: 0: no bound. Size it as expected RPS x the longest reply time (an agent turn can take
    #: minutes).
    max_in_flight: int = 4096
    #: Idle keep-alive connections are closed after this long. Longer than a load balancer's
    #: idle timeout (60 s on the common ones), so the balancer never reuses a connection the
    #: gateway is closing (uvicorn's own default, 5 s, makes that race a steady trickle of 502s).
    keep_alive_s: float = 75.0

    def __post_init__(self) -> None:
        if not 1 <= self.tier <= 5:
            raise ValueError(f"tier must be between 1 and 5 (got {self.tier})")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535 (got {self.port})")
        _positive("max_body_bytes", self.max_body_bytes)
        _positive("keep_alive_s", self.keep_alive_s)
        if self.max_in_flight < 0:
            raise ValueError(f"max_in_flight must be >= 0 (got {self.max_in_flight})")


class ProviderSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One upstream deployment: a base_url + key serving some catalog models."""

    name: str
    type: ProviderType = "openai"
    #: Ends in ``/v1``. Default: the real API for ``openai``; ignored for ``simulated``.
    base_url: str | None = None
    #: Environment variable holding the API key (never the key itself in the file).
    api_key_env: str | None = "OPENAI_API_KEY"
    #: Extra headers sent on every upstream request (``OpenAI-Organization``, ...).
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    connect_timeout_s: float = 5.0
    #: Time to the first byte of the reply; past it the attempt fails over (504 at the end).
    first_byte_timeout_s: float = 120.0
    #: Longest silence allowed between two chunks of a reply.
    read_timeout_s: float = 600.0
    #: Catalog models this provider serves; empty means every catalog model.
    models: list[str] = msgspec.field(default_factory=list)
    #: ``simulated`` only: latency of every simulated reply, in milliseconds.
    simulated_latency_ms: float = 0.0

    def __post_init__(self) -> None:
        for name in ("connect_timeout_s", "first_byte_timeout_s", "read_timeout_s"):
            _positive(name, getattr(self, name))
        if self.simulated_latency_ms < 0:
            raise ValueError("simulated_latency_ms must be >= 0")


class RetrySettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    #: Attempts per deployment (the first included) before falling back to the next one.
    max_attempts: int = 2
    backoff_base_s: float = 0.25
    backoff_max_s: float = 4.0
    #: A server's Retry-After is honoured up to this many seconds (longer: fall back instead).
    max_retry_after_s: float = 10.0
    #: After this many consecutive failures a deployment cools down for ``cooldown_s``.
    cooldown_failures: int = 3
    cooldown_s: float = 30.0
    #: ``memory``: each process finds a failing deployment for itself. ``redis``: a cooldown one
    #: replica starts reaches every replica within ``cooldown_sync_s``.
    cooldowns_backend: Literal["memory", "redis"] = "memory"
    redis_url: str | None = None  #: empty: the environment variable ``redis_url_env``
    redis_url_env: str = "LANEWAY_REDIS_URL"
    redis_prefix: str = "laneway:"
    cooldown_sync_s: float = 1.0

    def __post_init__(self) -> None:
        if self.cooldown_sync_s <= 0:
            raise ValueError(f"cooldown_sync_s must be > 0 (got {self.cooldown_sync_s})")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if self.cooldown_failures < 1:
            raise ValueError("cooldown_failures must be >= 1")
        if self.backoff_base_s < 0 or self.backoff_max_s < 0 or self.max_retry_after_s < 0:
            raise ValueError("backoff and retry-after limits must be >= 0")


LedgerBackend = Literal["sqlite", "postgres"]


class LedgerSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Where spend rows go: SQLite (one host) or PostgreSQL (one table shared by replicas)."""

    backend: LedgerBackend = "sqlite"
    #: SQLite file (WAL); ``:memory:`` keeps rows in memory only.
    path: str = "laneway-ledger.db"
    #: PostgreSQL DSN; empty means the environment variable ``dsn_env``.
    dsn: str | None = None
    dsn_env: str = "LANEWAY_POSTGRES_DSN"
    #: PostgreSQL schema holding the ``laneway_ledger`` table (created if missing).
    schema: str = "public"
    batch_size: int = 256
    flush_interval_s: float = 0.5
    #: While the store fails, rows wait in memory (retried with backoff up to ``retry_max_s``);
    #: past this many, the gateway answers 503 ``ledger_unavailable`` until the store catches up.
    max_backlog_rows: int = 100_000
    retry_max_s: float = 5.0
    #: At shutdown, how long to keep trying the store before rows go to ``spill_path``.
    close_timeout_s: float = 10.0
    #: JSON lines of rows the store did not take (``laneway ledger import`` loads them back).
    #: Empty: ``<path>.unwritten.jsonl`` beside the SQLite file, or the working directory.
    spill_path: str | None = None

    def __post_init__(self) -> None:
        for name in ("batch_size", "flush_interval_s", "max_backlog_rows", "retry_max_s", "close_timeout_s"):
            _positive(name, getattr(self, name))


class Config(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    #: Overrides and additions to the built-in catalog (same shape as catalog/builtin.yaml).
    catalog: dict[str, Any] = msgspec.field(default_factory=dict)
    policy: PolicySettings = msgspec.field(default_factory=PolicySettings)
    classifier: ClassifierSettings = msgspec.field(default_factory=ClassifierSettings)
    auth: AuthSettings = msgspec.field(default_factory=AuthSettings)
    keys: KeyStoreSettings = msgspec.field(default_factory=KeyStoreSettings)
    limits: LimitsSettings = msgspec.field(default_factory=LimitsSettings)
    server: ServerSettings = msgspec.field(default_factory=ServerSettings)
    providers: list[ProviderSettings] = msgspec.field(default_factory=list)
    retry: RetrySettings = msgspec.field(default_factory=RetrySettings)
    sessions: SessionSettings = msgspec.field(default_factory=SessionSettings)
    ledger: LedgerSettings = msgspec.field(default_factory=LedgerSettings)

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
