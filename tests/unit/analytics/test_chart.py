"""The logins-per-day chart: series gathered from the queries, drawn as SVG and PNG."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from PIL import Image

from ossature.kernel.errors import InvalidPayload
from ossature.modules.analytics.chart import (
    MAX_SOURCES,
    layout,
    login_series,
    render_png,
    render_svg,
)
from ossature.modules.analytics.queries import daily_series

MARCH_1 = date(2026, 3, 1)
SERIES = {
    "crm": [(MARCH_1, 3), (MARCH_1 + timedelta(1), 0), (MARCH_1 + timedelta(2), 7)],
    "ossature": [(MARCH_1, 1), (MARCH_1 + timedelta(1), 1), (MARCH_1 + timedelta(2), 0)],
}


class FakeQueries:
    """Answers the analytics queries from a fixed table, remembering what was asked."""

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources
        self.asked: list[str] = []

    async def __call__(self, name: str, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        if name == "list-login-sources":
            return {"sources": [{"name": s} for s in self.sources]}
        self.asked.append(payload["source"])
        return {"series": daily_series({MARCH_1: len(payload["source"])}, MARCH_1, MARCH_1)}


async def test_every_source_then_ossature_s_own_logins_are_gathered() -> None:
    """The tenant's sources first (at most twelve), then `ossature`."""
    ask = FakeQueries([f"s{n:02}" for n in range(20)])
    series = await login_series(ask, MARCH_1, MARCH_1)
    assert [*(f"s{n:02}" for n in range(MAX_SOURCES)), "ossature"] == ask.asked == list(series)
    assert [(MARCH_1, 3)] == series["s00"]


async def test_named_sources_are_the_only_ones_gathered() -> None:
    """`--source crm` draws crm and Ossature's own logins."""
    ask = FakeQueries(["crm", "billing"])
    assert ["crm", "ossature"] == list(await login_series(ask, MARCH_1, MARCH_1, ["crm"]))


def test_the_svg_holds_every_data_point() -> None:
    """Each point is a circle with its source, day and count."""
    svg = render_svg(layout(SERIES, "Logins"))
    for source, points in SERIES.items():
        for day, count in points:
            assert (
                f'data-source="{source}" data-day="{day.isoformat()}" data-count="{count}"' in svg
            )


def test_names_are_escaped_in_the_svg() -> None:
    """A title or a name cannot inject markup."""
    svg = render_svg(layout({"<b>": SERIES["crm"]}, "<script>"))
    assert "<script>" not in svg and "<b>" not in svg


def test_the_png_is_not_blank() -> None:
    """A PNG of the chart's size with more than one colour in it."""
    image = Image.open(io.BytesIO(render_png(layout(SERIES, "Logins"))))
    assert ((960, 420), True) == (
        image.size,
        len(image.convert("RGB").getcolors(1 << 20) or []) > 1,
    )


def test_the_count_axis_ends_on_a_round_number_above_the_highest_count() -> None:
    """Seven logins at most: ticks 0, 2, 4, 6, 8."""
    assert [0, 2, 4, 6, 8] == [v for _, v in layout(SERIES, "Logins").y_ticks]


def test_a_series_has_one_point_per_day_zeros_included() -> None:
    """Days without a count are zeros."""
    points = daily_series({MARCH_1 + timedelta(1): 4}, MARCH_1, MARCH_1 + timedelta(2))
    assert [0, 4, 0] == [p["count"] for p in points]


@pytest.mark.parametrize("days", [-1, 3660])
def test_a_backward_or_too_long_period_is_refused(days: int) -> None:
    """At most ten years, and forward."""
    with pytest.raises(InvalidPayload):
        daily_series({}, MARCH_1, MARCH_1 + timedelta(days))
