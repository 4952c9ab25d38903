"""Helpers shared by CLI commands: one-line errors and engine construction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec
import typer
from rich.console import Console

from laneway.config import load_config
from laneway.engine import Engine
from laneway.errors import InputError, LanewayError


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``laneway: error: message`` on stderr; return the Exit to raise."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"laneway: error: {message}", markup=False)
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn laneway's own errors into a one-line message and exit code 2."""
    try:
        yield
    except LanewayError as exc:
        raise fail(str(exc)) from None


def engine_from(
    config: Path | None, classifier: Path | None = None, *, codex_threshold: float | None = None
) -> Engine:
    """The engine of ``config``; ``codex_threshold`` overrides ``policy.codex_threshold``."""
    cfg = load_config(config)
    if codex_threshold is not None:
        try:
            policy = msgspec.structs.replace(cfg.policy, codex_threshold=codex_threshold)
        except ValueError as exc:
            raise InputError(f"--codex-threshold: {exc}") from None
        cfg = msgspec.structs.replace(cfg, policy=policy)
    if classifier is not None:
        from laneway.lanes.classifier import LaneClassifier

        return Engine.from_config(cfg, classifier=LaneClassifier.load(classifier))
    return Engine.from_config(cfg)


ConfigOption: Callable[..., Path | None] = typer.Option  # re-exported for symmetry
