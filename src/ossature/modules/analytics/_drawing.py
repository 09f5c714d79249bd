"""Line charts of daily series, laid out once and drawn as SVG (text) or PNG (Pillow).

Pure but for Pillow's drawing: no I/O, no clock. Each point of the SVG is a
`<circle>` carrying `data-source`, `data-day` and `data-count`, so the data a
chart shows can be read back from it (by a test, or a screen reader's title).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

__all__ = ["Chart", "Point", "layout", "render_png", "render_svg"]

Point = tuple[date, int]
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f")
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 160, 40, 40
_INK = "#111827"


@dataclass(frozen=True)
class Line:
    """One series placed on the canvas: its name, colour and (x, y, day, count) points."""

    name: str
    colour: str
    points: tuple[tuple[float, float, date, int], ...]


@dataclass(frozen=True)
class Chart:
    """Everything to draw, in canvas coordinates."""

    title: str
    width: int
    height: int
    lines: tuple[Line, ...]
    y_ticks: tuple[tuple[float, int], ...]
    x_ticks: tuple[tuple[float, date], ...]


def _step(top: int) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most five ticks up to `top`."""
    magnitude = int(10 ** max(0, int(math.log10(max(top, 1))) - 1))
    return next(m * magnitude for m in (1, 2, 5, 10, 20, 50, 100) if top / (m * magnitude) <= 5)


def _scale(series: Mapping[str, Sequence[Point]]) -> tuple[int, int]:
    """The count axis: its step and its top (a multiple of the step, at least one step)."""
    highest = max((count for points in series.values() for _, count in points), default=0)
    step = _step(highest)
    return step, max(step, math.ceil(highest / step) * step)


def layout(
    series: Mapping[str, Sequence[Point]], title: str, width: int = 960, height: int = 420
) -> Chart:
    """Place every series on one time axis (the days of the first) and one count axis."""
    days = [day for day, _ in next(iter(series.values()), [])]
    step, top = _scale(series)
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    index = {day: n for n, day in enumerate(days)}

    def x(day: date) -> float:
        return _LEFT + plot_w * (index[day] / max(len(days) - 1, 1))

    def y(count: int) -> float:
        return _TOP + plot_h * (1 - count / top)

    lines = tuple(
        Line(
            name,
            COLOURS[n % len(COLOURS)],
            tuple((x(d), y(c), d, c) for d, c in points if d in index),
        )
        for n, (name, points) in enumerate(series.items())
    )
    y_ticks = tuple((y(v), v) for v in range(0, top + 1, step))
    every = max(1, math.ceil(len(days) / 8))
    x_ticks = tuple((x(d), d) for d in days[::every])
    return Chart(title, width, height, lines, y_ticks, x_ticks)


def _svg_axes(chart: Chart) -> list[str]:
    right = chart.width - _RIGHT
    parts = [
        f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e7eb"/>'
        f'<text x="{_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{v}</text>'
        for y, v in chart.y_ticks
    ]
    base = chart.height - _BOTTOM
    parts += [
        f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle">{d.isoformat()}</text>'
        for x, d in chart.x_ticks
    ]
    return parts


def _svg_line(line: Line, legend: tuple[int, int]) -> str:
    name = escape(line.name)
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in line.points)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{line.colour}" data-source="{name}"'
        f' data-day="{d.isoformat()}" data-count="{c}"><title>{name} {d.isoformat()}: {c}</title></circle>'
        for x, y, d, c in line.points
    )
    return (
        f'<g class="series" data-source="{name}">'
        f'<polyline points="{path}" fill="none" stroke="{line.colour}" stroke-width="2"/>{dots}'
        f'<text x="{legend[0]}" y="{legend[1] + 4}" fill="{line.colour}">{name}</text></g>'
    )


def _legend(chart: Chart, n: int) -> tuple[int, int]:
    """Where the name of the `n`th series goes, right of the plot."""
    return chart.width - _RIGHT + 16, _TOP + 18 * n


def render_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document."""
    lines = "".join(_svg_line(line, _legend(chart, n)) for n, line in enumerate(chart.lines))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}"'
        f' width="{chart.width}" height="{chart.height}" role="img" aria-label="{escape(chart.title)}"'
        ' font-family="sans-serif" font-size="12">'
        f"<title>{escape(chart.title)}</title>"
        f'<rect width="{chart.width}" height="{chart.height}" fill="#ffffff"/>'
        f'<text x="{_LEFT}" y="24" font-size="15" font-weight="bold">{escape(chart.title)}</text>'
        f"{''.join(_svg_axes(chart))}{lines}</svg>"
    )


def _png_axes(draw: Any, chart: Chart, font: Any, s: int) -> None:
    for y, v in chart.y_ticks:
        right = (chart.width - _RIGHT) * s
        draw.line([(_LEFT * s, y * s), (right, y * s)], fill="#e5e7eb", width=s)
        draw.text(((_LEFT - 8) * s, y * s), str(v), fill=_INK, font=font, anchor="rm")
    base = (chart.height - _BOTTOM + 12) * s
    for x, d in chart.x_ticks:
        draw.text((x * s, base), d.isoformat(), fill=_INK, font=font, anchor="mt")


def _png_lines(draw: Any, chart: Chart, font: Any, s: int) -> None:
    for n, line in enumerate(chart.lines):
        xy = [(x * s, y * s) for x, y, _, _ in line.points]
        if len(xy) > 1:
            draw.line(xy, fill=line.colour, width=2 * s, joint="curve")
        for x, y in xy:
            draw.ellipse([x - 2.5 * s, y - 2.5 * s, x + 2.5 * s, y + 2.5 * s], fill=line.colour)
        legend_x, legend_y = _legend(chart, n)
        draw.text((legend_x * s, legend_y * s), line.name, fill=line.colour, font=font, anchor="lm")


def render_png(chart: Chart, scale: int = 2) -> bytes:
    """The chart as a PNG, drawn at `scale` times its size and reduced (smooth lines)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "#ffffff")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=12 * scale)
    heading = ImageFont.load_default(size=15 * scale)
    draw.text((_LEFT * scale, 12 * scale), chart.title, fill=_INK, font=heading)
    _png_axes(draw, chart, font, scale)
    _png_lines(draw, chart, font, scale)
    out = io.BytesIO()
    image.resize((chart.width, chart.height), Image.Resampling.LANCZOS).save(out, "PNG")
    return out.getvalue()
