"""Providers: the configured upstream deployments, started and stopped with the app.

With no ``providers`` in the config, laneway uses the real API when ``OPENAI_API_KEY`` is set, and
otherwise one ``simulated`` provider serving every catalog model (the main job runs offline). A
``simulated`` provider starts :class:`~laneway.upstream.simulated.SimulatedServer` inside the
gateway process and talks to it over real HTTP through :class:`OpenAIUpstream`, like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from laneway.catalog.model import Catalog
from laneway.config import OPENAI_BASE_URL, Config, ProviderSettings
from laneway.errors import ConfigError
from laneway.gateway.deployments import Deployment, DeploymentTable
from laneway.upstream.base import Upstream
from laneway.upstream.openai import OpenAIUpstream
from laneway.upstream.simulated import SimulatedServer, SimulatedSettings

SIMULATED_BANNER = (
    "laneway: no OPENAI_API_KEY and no providers configured - serving from the built-in SIMULATED "
    "upstream (replies are fake). Set OPENAI_API_KEY or configure providers to use a real API."
)


def resolve_providers(
    config: Config, env: Mapping[str, str], *, simulate: bool = False
) -> tuple[list[ProviderSettings], str | None]:
    """The providers to run, and a banner to print when they are the simulated default."""
    if simulate:
        return [ProviderSettings(name="simulated", type="simulated", api_key_env=None)], SIMULATED_BANNER
    if config.providers:
        return list(config.providers), None
    if env.get("OPENAI_API_KEY"):
        return [ProviderSettings(name="openai", type="openai", base_url=OPENAI_BASE_URL)], None
    return [ProviderSettings(name="simulated", type="simulated", api_key_env=None)], SIMULATED_BANNER


def check_providers(providers: list[ProviderSettings], catalog: Catalog) -> None:
    """Fail at start, naming the field, for duplicate names or models outside the catalog."""
    seen: set[str] = set()
    for i, provider in enumerate(providers):
        if provider.name in seen:
            raise ConfigError(f"providers[{i}].name", f"duplicate provider name {provider.name!r}")
        seen.add(provider.name)
        for model in provider.models:
            if model not in catalog.models:
                known = ", ".join(sorted(catalog.models))
                raise ConfigError(f"providers[{i}].models", f"unknown model {model!r} (known: {known})")


@dataclass
class ProviderPool:
    """Upstream clients (and simulated servers) for the providers; owns their lifetimes."""

    providers: list[ProviderSettings]
    catalog: Catalog
    env: Mapping[str, str]
    injected: Mapping[str, Upstream] = field(default_factory=dict)
    upstreams: dict[str, Upstream] = field(default_factory=dict)
    _servers: list[SimulatedServer] = field(default_factory=list)

    async def start(self) -> DeploymentTable:
        check_providers(self.providers, self.catalog)
        deployments: list[Deployment] = []
        for i, provider in enumerate(self.providers):
            upstream = self.injected.get(provider.name) or await self._build(i, provider)
            self.upstreams[provider.name] = upstream
            for model in provider.models or list(self.catalog.models):
                card = self.catalog.models[model]
                deployments.append(
                    Deployment(
                        provider.name, model, card.upstream_name or model, upstream,
                        provider.first_byte_timeout_s,
                    )
                )  # fmt: skip
        return DeploymentTable(deployments)

    async def _build(self, index: int, provider: ProviderSettings) -> Upstream:
        if provider.type == "simulated":
            server = SimulatedServer(SimulatedSettings(latency_ms=provider.simulated_latency_ms))
            await server.start()
            self._servers.append(server)
            base_url, key = server.base_url, "simulated"
        else:
            base_url = provider.base_url or OPENAI_BASE_URL
            key = self.env.get(provider.api_key_env or "", "")
            if not key:
                raise ConfigError(
                    f"providers[{index}].api_key_env",
                    f"environment variable {provider.api_key_env!r} is not set (provider {provider.name!r})",
                )
        return OpenAIUpstream(
            provider.name, base_url, key, extra_headers=provider.headers,
            connect_timeout_s=provider.connect_timeout_s,
            first_byte_timeout_s=provider.first_byte_timeout_s,
            read_timeout_s=provider.read_timeout_s,
        )  # fmt: skip

    async def stop(self) -> None:
        for name, upstream in self.upstreams.items():
            if name not in self.injected:
                await upstream.aclose()
        self.upstreams.clear()
        for server in self._servers:
            await server.stop()
        self._servers.clear()
