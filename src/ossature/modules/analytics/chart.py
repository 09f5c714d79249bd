"""The logins-per-day chart: its series gathered through the module's queries, then drawn.

`ossature analytics chart` uses it; the queries it asks run through the pipeline, so the
chart shows exactly what the caller may read. (The web app's page asks the same queries
through the SDK and draws with its chart component.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from ossature.kernel.i18n import Catalogs
from ossature.modules.analytics._drawing import Point, layout, render_png, render_svg
from ossature.modules.analytics.state import OWN_LOGINS

__all__ = [
    "MAX_SOURCES",
    "Ask",
    "Point",
    "chart_title",
    "default_period",
    "layout",
    "login_series",
    "render_png",
    "render_svg",
]

MAX_SOURCES = 12
"""Sources drawn on one chart at most (the first by name), besides Ossature's own logins."""

Ask = Callable[[str, Mapping[str, Any]], Awaitable[Mapping[str, Any]]]
"""Runs a query by name with a payload, answering its body (or raising its error)."""


def default_period(today: date, days: int = 30) -> tuple[date, date]:
    """The last `days` days up to `today`."""
    return today - timedelta(days=days - 1), today


async def _source_names(ask: Ask) -> list[str]:
    listed = await ask("list-login-sources", {})
    return [source["name"] for source in listed["sources"]][:MAX_SOURCES]


async def login_series(
    ask: Ask, start: date, end: date, sources: Sequence[str] | None = None
) -> dict[str, list[Point]]:
    """Each source's logins per day from `start` to `end`, then Ossature's own (`ossature`)."""
    names = list(sources) if sources is not None else await _source_names(ask)
    span = {"from": start.isoformat(), "to": end.isoformat()}
    series: dict[str, list[Point]] = {}
    for name in [*names, OWN_LOGINS]:
        body = await ask("count-source-logins-per-day", {"source": name, **span})
        series[name] = [(date.fromisoformat(p["day"]), int(p["count"])) for p in body["series"]]
    return series


def chart_title(catalogs: Catalogs, locale: str, start: date, end: date) -> str:
    """The chart's title in `locale`, naming its period."""
    span = {"from": start.isoformat(), "to": end.isoformat()}
    return catalogs.render(locale, "analytics.chart-title", span)
