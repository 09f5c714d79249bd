"""The usage roll-up: a folder's count is its own and its children's, the root's the total;
and the span get-usage reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ossature.modules.billing.errors import UsageDateInvalid, UsageSpanInvalid
from ossature.modules.billing.usage import FolderCount, in_tree_order, roll_up, span_of


@st.composite
def trees(draw: st.DrawFn) -> list[FolderCount]:
    """A folder tree of 1-30 folders, each parent made before its children, with own counts."""
    size = draw(st.integers(min_value=1, max_value=30))
    folders = [FolderCount("f0", "root", None, draw(st.integers(0, 1000)))]
    for n in range(1, size):
        parent = draw(st.integers(0, n - 1))
        name = draw(st.sampled_from(["EU", "US", "France", "Paris", "a", "b"]))
        folders.append(FolderCount(f"f{n}", name, f"f{parent}", draw(st.integers(0, 1000))))
    return draw(st.permutations(folders))


@given(trees())
def test_a_folders_count_is_its_own_and_its_childrens(folders: list[FolderCount]) -> None:
    counts = roll_up(folders)
    for folder in folders:
        children = [f for f in folders if f.parent_id == folder.folder_id]
        assert folder.own + sum(counts[c.folder_id] for c in children) == counts[folder.folder_id]


@given(trees())
def test_the_roots_count_is_the_total(folders: list[FolderCount]) -> None:
    assert sum(folder.own for folder in folders) == roll_up(folders)["f0"]


@given(trees())
def test_tree_order_puts_each_folder_after_its_parent_and_keeps_them_all(
    folders: list[FolderCount],
) -> None:
    ordered = [folder.folder_id for folder in in_tree_order(folders)]
    parents = {folder.folder_id: folder.parent_id for folder in folders}
    assert sorted(parents) == sorted(ordered)
    assert all(
        parents[f] is None or ordered.index(parents[f]) < ordered.index(f)
        for f in ordered  # type: ignore[arg-type]
    )


def test_france_counts_in_eu_and_global() -> None:
    """The demo's tree: 3 in France, 2 in EU, 1 in US, none at Global."""
    folders = [
        FolderCount("g", "Global", None, 0),
        FolderCount("eu", "EU", "g", 2),
        FolderCount("fr", "France", "eu", 3),
        FolderCount("us", "US", "g", 1),
    ]
    assert {"g": 6, "eu": 5, "fr": 3, "us": 1} == roll_up(folders)
    assert ["g", "eu", "fr", "us"] == [f.folder_id for f in in_tree_order(folders)]


def test_dates_are_utc_midnights_and_the_end_is_excluded() -> None:
    assert (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)) == span_of(
        "2026-12-01", "2027-01-01"
    )


def test_a_datetime_keeps_its_offset() -> None:
    begins, _ = span_of("2026-12-01T10:00:00+02:00", "2026-12-02T00:00:00Z")
    assert datetime(2026, 12, 1, 8, tzinfo=UTC) == begins


def test_a_span_of_400_days_is_allowed() -> None:
    begins, ends = span_of("2025-01-01", "2026-02-05")
    assert 400 == (ends - begins).days


@pytest.mark.parametrize(
    ("start", "end"), [("2026-12-02", "2026-12-01"), ("2025-01-01", "2026-02-06")]
)
def test_a_reversed_or_too_long_span_is_refused(start: str, end: str) -> None:
    with pytest.raises(UsageSpanInvalid) as refused:
        span_of(start, end)
    assert {"from": start, "to": end, "days": 400} == refused.value.params


def test_text_that_is_no_date_is_refused() -> None:
    with pytest.raises(UsageDateInvalid) as refused:
        span_of("yesterday", "2026-12-01")
    assert {"value": "yesterday"} == refused.value.params
