"""Opening the ledger a config names (the gateway, ``laneway ledger import``)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from laneway.config import Config
from laneway.errors import ConfigError
from laneway.ledger.base import SpendLedger
from laneway.ledger.writer import WriterOptions


def build_ledger(config: Config, env: Mapping[str, str] | None = None) -> SpendLedger:
    """The ledger ``config.ledger.backend`` names (not started): SQLite, memory, or PostgreSQL."""
    settings = config.ledger
    options = WriterOptions(
        max_backlog=settings.max_backlog_rows, retry_max_s=settings.retry_max_s,
        close_timeout_s=settings.close_timeout_s, spill_path=settings.spill_path,
    )  # fmt: skip
    if settings.backend == "postgres":
        from laneway.ledger.postgres import PostgresLedger

        environ = os.environ if env is None else env
        dsn = settings.dsn or environ.get(settings.dsn_env, "")
        if not dsn:
            raise ConfigError("ledger.dsn", f"backend postgres needs ledger.dsn or ${settings.dsn_env}")
        return PostgresLedger(
            dsn, schema=settings.schema, batch_size=settings.batch_size,
            flush_interval_s=settings.flush_interval_s, options=options,
        )  # fmt: skip
    if settings.path == ":memory:":
        from laneway.ledger.memory import MemoryLedger

        return MemoryLedger()
    from laneway.ledger.sqlite import SQLiteLedger

    return SQLiteLedger(
        settings.path, batch_size=settings.batch_size, flush_interval_s=settings.flush_interval_s,
        options=options,
    )  # fmt: skip
