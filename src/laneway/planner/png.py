"""PNG charts (``--png-dir``) with matplotlib, from the optional ``plan`` extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from laneway.errors import InputError


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise InputError("PNG charts need matplotlib: pip install 'laneway[plan]'") from exc
    return plt


def write_pngs(report: dict[str, Any], directory: Path) -> list[Path]:
    """Write cost.png, lanes.png and (with timestamps) tpm.png; returns the files written."""
    plt = _pyplot()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{directory}: cannot create: {exc.strerror or exc}") from exc
    written = [_cost(plt, report, directory / "cost.png"), _lanes(plt, report, directory / "lanes.png")]
    if report["timeline"] is not None:
        written.append(_tpm(plt, report, directory / "tpm.png"))
    return written


def _save(plt: Any, fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _cost(plt: Any, report: dict[str, Any], path: Path) -> Path:
    policies = report["policies"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.barh([p["title"] for p in policies], [p["cost_usd"] for p in policies], color="#2563eb")
    ax.invert_yaxis()
    ax.set_xlabel("cost (USD)")
    ax.set_title("Cost by policy")
    return _save(plt, fig, path)


def _lanes(plt: Any, report: dict[str, Any], path: Path) -> Path:
    lanes = [r for r in report["lanes"] if r["records"]]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.barh([r["lane"] for r in lanes], [r["records"] for r in lanes], color="#16a34a")
    ax.invert_yaxis()
    ax.set_xlabel("records")
    ax.set_title("Lane mix (laneway's decisions)")
    return _save(plt, fig, path)


def _tpm(plt: Any, report: dict[str, Any], path: Path) -> Path:
    timeline = report["timeline"]
    tier = str(report["tier"])
    fig, ax = plt.subplots(figsize=(9, 4))
    minutes = timeline["bucket_seconds"] / 60
    for i, (model, values) in enumerate(timeline["series"]["laneway"].items()):
        color = f"C{i}"
        ax.plot([j * minutes for j in range(len(values))], values, label=model, color=color)
        limit = report["tiers"].get(model, {}).get(tier)
        if limit is not None:
            ax.axhline(limit, color=color, linestyle="--", label=f"{model} tier {tier} limit")
    ax.set_xlabel(f"minutes from {timeline['start']}")
    ax.set_ylabel("tokens per minute")
    ax.set_title("Tokens per minute under laneway routing vs tier limits")
    ax.legend(fontsize="small")
    return _save(plt, fig, path)
