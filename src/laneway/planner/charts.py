"""Small inline-SVG charts for the HTML report: no script, no CDN, opens offline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563")
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _fmt(value: float) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.1f}{unit}"
    return f"{value:.4g}"


def bar_chart(
    chart_id: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    unit: str = "",
    colors: Sequence[str] = (),
) -> str:
    """Horizontal bars, one per label, with the value printed at the end of the bar."""
    row, left, width = 26, 320, 420
    height = row * len(labels) + 20
    top = max(values, default=0.0) or 1.0
    parts = [
        f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {left + width + 120} {height}" width="100%" role="img">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        w = max(1.0, width * value / top) if value > 0 else 0.0
        color = colors[i % len(colors)] if colors else PALETTE[0]
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" {_FONT}>{escape(label)}</text>')
        parts.append(
            f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{row - 8}" fill="{color}">'
        )
        parts.append(f"<title>{escape(label)}: {unit}{_fmt(value)}</title></rect>")
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 15}" {_FONT}>{unit}{_fmt(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    chart_id: str,
    series: Mapping[str, Sequence[float]],
    limits: dict[str, float],
    *,
    x_label: str,
) -> str:
    """Lines per series over equal time steps, plus dashed horizontal lines for ``limits``."""
    left, top, width, height = 70, 20, 640, 240
    peak = max([max(v, default=0.0) for v in series.values()] + list(limits.values()) + [1.0])
    n = max((len(v) for v in series.values()), default=1)

    def y(value: float) -> float:
        return top + height - height * value / peak

    parts = [
        f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {left + width + 20} {top + height + 50 + 18 * len(series)}" width="100%" role="img">',
        f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" stroke="#9ca3af"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + height}" stroke="#9ca3af"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" {_FONT}>{_fmt(peak)}</text>',
        f'<text x="{left - 6}" y="{top + height}" text-anchor="end" {_FONT}>0</text>',
        f'<text x="{left + width / 2}" y="{top + height + 20}" text-anchor="middle" {_FONT}>{escape(x_label)}</text>',
    ]
    legend_y = top + height + 40
    for i, (name, values) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        step = width / max(1, n - 1)
        points = " ".join(f"{left + j * step:.1f},{y(v):.1f}" for j, v in enumerate(values))
        if len(values) == 1:
            points += f" {left + width:.1f},{y(values[0]):.1f}"
        parts.append(
            f'<polyline class="series" fill="none" stroke="{color}" stroke-width="2" points="{points}">'
        )
        parts.append(f"<title>{escape(name)}</title></polyline>")
        limit = limits.get(name)
        if limit is not None:
            parts.append(
                f'<line class="limit" x1="{left}" x2="{left + width}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" '
                f'stroke="{color}" stroke-dasharray="6 4"><title>{escape(name)} limit {_fmt(limit)}</title></line>'
            )
        parts.append(
            f'<text x="{left}" y="{legend_y + i * 18}" fill="{color}" {_FONT}>— {escape(name)}'
            f"{f' (dashed: tier limit {_fmt(limit)}/min)' if limit is not None else ''}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
