"""``laneway keys create|list|revoke``: virtual keys with budgets, limits and allowed models/lanes.

The key is printed once by ``create`` and never again: the store keeps only its HMAC.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from laneway.cli.common import user_errors
from laneway.config import Config, load_config
from laneway.errors import InputError
from laneway.keys.model import Period, VirtualKey
from laneway.keys.service import KeyService, load_secret

_T = TypeVar("_T")

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="laneway YAML config (auth/keys sections).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def parse_expires(value: str, *, now: float) -> float:
    """``2026-12-31`` (valid through that UTC day) or an ISO date-time (UTC if no zone)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text) + dt.timedelta(days=1)
            moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
    except ValueError:
        raise InputError(f"--expires: not a date (YYYY-MM-DD) or ISO date-time: {value!r}") from None
    stamp = moment.timestamp()
    if stamp <= now:
        raise InputError(f"--expires {value} is in the past")
    return stamp


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _run(config_path: Path | None, work: Callable[[Config, KeyService], Awaitable[_T]]) -> _T:
    """Open the configured store and key service, run ``work``, close the store."""
    from laneway.keys.base import open_key_store

    config = load_config(config_path)

    async def main() -> _T:
        store = open_key_store(config.keys)
        await store.start()
        try:
            service = KeyService(
                store,
                load_secret(config.auth),
                clock=time.time,
                known_models=set(config.build_catalog().models),
            )
            return await work(config, service)
        finally:
            await store.close()

    return asyncio.run(main())


def keys_table(keys: list[VirtualKey]) -> Table:
    table = Table(title="laneway keys")
    for column in ("id", "name", "budget", "rpm", "tpm", "models", "lanes", "expires", "state"):
        table.add_column(column)
    for key in keys:
        info = key.public()
        budget = "-" if key.budget_usd is None else f"${key.budget_usd:g}/{key.period.value}"
        state = "revoked" if key.revoked else ("expired" if key.expired(time.time()) else "active")
        table.add_row(
            key.id, escape(key.name or "-"), budget, str(key.rpm or "-"), str(key.tpm or "-"),
            escape(", ".join(key.models) or "all"), ", ".join(key.lanes) or "all", info["expires"] or "-", state,
        )  # fmt: skip
    return table


def register(app: typer.Typer) -> None:
    keys_app = typer.Typer(
        help="Virtual keys: budgets, rate limits, allowed models and lanes.", no_args_is_help=True
    )
    app.add_typer(keys_app, name="keys")

    @keys_app.command("create")
    def create(
        name: Annotated[str, typer.Option(help="A label for people (not secret).")] = "",
        budget_usd: Annotated[
            float | None, typer.Option("--budget-usd", help="Spend cap in US dollars.")
        ] = None,
        period: Annotated[str, typer.Option(help="Budget period: day, week, month or total.")] = "total",
        rpm: Annotated[int | None, typer.Option(help="Requests per minute.")] = None,
        tpm: Annotated[int | None, typer.Option(help="Tokens per minute.")] = None,
        models: Annotated[
            str | None, typer.Option(help="Allowed models, comma-separated (default all).")
        ] = None,
        lanes: Annotated[
            str | None, typer.Option(help="Allowed lanes, comma-separated (default all).")
        ] = None,
        expires: Annotated[
            str | None, typer.Option(help="YYYY-MM-DD (valid through that UTC day) or ISO time.")
        ] = None,
        config: ConfigOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Create a key and print it once (it cannot be shown again)."""
        with user_errors():
            try:
                parsed_period = Period.parse(period)
            except ValueError as exc:
                raise InputError(str(exc)) from None
            ends = None if expires is None else parse_expires(expires, now=time.time())

            async def work(cfg: Config, service: KeyService) -> tuple[str, VirtualKey]:
                return await service.create(
                    name=name, budget_usd=budget_usd, period=parsed_period, rpm=rpm, tpm=tpm,
                    models=_split(models), lanes=_split(lanes), expires=ends,
                )  # fmt: skip

            raw, record = _run(config, work)
        out = Console(highlight=False, soft_wrap=True)
        if as_json:
            out.print(json.dumps({"key": raw, **record.public()}), markup=False)
            return
        out.print(f"created {record.id}{f' ({record.name})' if record.name else ''}", markup=False)
        out.print(raw, markup=False)
        Console(stderr=True, highlight=False).print(
            "Store this key now: laneway keeps only its hash and cannot show it again.", markup=False
        )

    @keys_app.command("list")
    def list_keys(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
        """List keys (never the keys themselves)."""
        with user_errors():

            async def work(cfg: Config, service: KeyService) -> list[VirtualKey]:
                return list(await service.list())

            keys = _run(config, work)
        out = Console(highlight=False, soft_wrap=True)
        if as_json:
            out.print(json.dumps([k.public() for k in keys]), markup=False)
        else:
            out.print(keys_table(keys))

    @keys_app.command("revoke")
    def revoke(
        key_id: Annotated[str, typer.Argument(metavar="ID", help="The key's id (from keys list).")],
        config: ConfigOpt = None,
    ) -> None:
        """Revoke a key: refused by every replica within auth.cache_ttl_s seconds."""
        with user_errors():

            async def work(cfg: Config, service: KeyService) -> VirtualKey:
                return await service.revoke(key_id)

            record = _run(config, work)
        Console(highlight=False).print(f"revoked {record.id}", markup=False)
