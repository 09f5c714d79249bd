"""The components that show data, each rendered alone and read back as a tree: a table and
its pages, the folder tree, the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise
from typing import Any

import pytest

from tests.unit.web._components import (
    HOSTILE,
    one,
    render,
    text,
    tree,
)

COLUMNS = [("name", "Name"), ("owner", "Owner")]


def test_a_table_has_its_caption_headers_and_rows() -> None:
    """Caption, column headers scoped to columns, the first cell a row header, values escaped."""
    rows = [{"name": HOSTILE, "owner": "ann"}, {"name": "B", "owner": "bob"}]
    root = tree(
        render(
            "table",
            "{{ table('projects', 'Projects', columns, rows) }}",
            columns=COLUMNS,
            rows=rows,
        )
    )
    assert "Projects" == text(one(root, ".//table/caption"))
    assert [("col", "Name"), ("col", "Owner")] == [
        (th.get("scope"), text(th)) for th in root.findall(".//thead//th")
    ]
    assert [HOSTILE, "B"] == [text(th) for th in root.findall(".//tbody/tr/th[@scope='row']")]
    region = one(root, ".//div[@role='region']")
    assert (region.get("aria-labelledby"), "0") == (
        one(root, ".//caption").get("id"),
        region.get("tabindex"),
    )
    assert [] == root.findall(".//nav")


def test_a_table_draws_rows_with_its_caller() -> None:
    """A call block draws each row's cells."""
    call = (
        "{% call(row) table('t', 'T', columns, rows) %}<td>{{ row.owner|upper }}</td>{% endcall %}"
    )
    root = tree(render("table", call, columns=COLUMNS, rows=[{"owner": "ann"}]))
    assert ["ANN"] == [text(td) for td in root.findall(".//tbody//td")]


def test_an_empty_table_says_so_across_its_columns() -> None:
    """No rows: one cell spanning every column holds the empty state."""
    root = tree(render("table", "{{ table('t', 'T', columns, []) }}", columns=COLUMNS))
    cell = one(root, ".//tbody//td")
    assert ("2", "Nothing here yet.") == (cell.get("colspan"), text(cell))


def test_page_links_keep_the_query_and_swap_the_table_only() -> None:
    """Previous and next keep every other query parameter, repeated ones included, and htmx
    swaps the table's region with the same region of the answer."""
    query = [("source", "crm"), ("source", "erp"), ("cursor", "old"), ("q", "a&b")]
    call = "{{ table('projects', 'P', columns, [], query=query, previous='', next='c2', path='/folders/f1') }}"
    root = tree(render("table", call, columns=COLUMNS, query=query))
    nav = one(root, ".//nav")
    assert "Pages" == nav.get("aria-label")
    previous, following = one(nav, "a[@rel='prev']"), one(nav, "a[@rel='next']")
    assert "/folders/f1?source=crm&source=erp&q=a%26b" == previous.get("href")
    assert "/folders/f1?source=crm&source=erp&q=a%26b&cursor=c2" == following.get("href")
    assert (following.get("href"), "#projects", "#projects", "outerHTML") == (
        following.get("hx-get"),
        following.get("hx-target"),
        following.get("hx-select"),
        following.get("hx-swap"),
    )
    assert "Next page" == text(following)


def test_a_last_page_has_no_next_link() -> None:
    """Without a next cursor there is no next link, and a mapping query is kept too."""
    call = "{{ table('t', 'T', columns, [], query={'q': 'x', 'cursor': 'c'}, previous='c1') }}"
    root = tree(render("table", call, columns=COLUMNS))
    assert [("prev", "?q=x&cursor=c1")] == [
        (a.get("rel"), a.get("href")) for a in root.findall(".//nav/a")
    ]


FOLDERS = [
    {"folderId": "f-global", "name": "Global", "parentId": None},
    {"folderId": "f-eu", "name": "EU", "parentId": "f-global"},
    {"folderId": "f-us", "name": "US", "parentId": "f-global"},
    {"folderId": "f-fr", "name": HOSTILE, "parentId": "f-eu"},
]


def _outline(ul: ET.Element) -> list[Any]:
    """The tree as nested [name, [children]] read from the nested lists."""
    items = []
    for li in ul.findall("li"):
        child = li.find("ul")
        items.append([text(one(li, "a")), _outline(child) if child is not None else []])
    return items


def test_a_folder_tree_nests_lists_of_links() -> None:
    """Folders nest under their parents, in a named navigation landmark, names escaped."""
    root = tree(
        render(
            "folder_tree", "{{ folder_tree(folders, 'Folders', current='f-eu') }}", folders=FOLDERS
        )
    )
    nav = one(root, "nav")
    assert "Folders" == nav.get("aria-label")
    assert [["Global", [["EU", [[HOSTILE, []]]], ["US", []]]]] == _outline(one(nav, "ul"))


def test_the_current_folder_is_marked_and_links_are_made_from_ids() -> None:
    """Only the current folder is aria-current; each link is the href with its id."""
    call = "{{ folder_tree(folders, 'Folders', current='f-eu', href='/folders/{id}/projects') }}"
    root = tree(render("folder_tree", call, folders=FOLDERS))
    assert ["EU"] == [text(a) for a in root.findall(".//a[@aria-current='page']")]
    assert "/folders/f-us/projects" == one(root, ".//a[.='US']").get("href")


def test_a_branch_seen_alone_has_its_top_folder_as_root() -> None:
    """A folder whose parent is not in the list (the user sees a branch only) is a root."""
    root = tree(render("folder_tree", "{{ folder_tree(folders, 'F') }}", folders=FOLDERS[1:]))
    assert [["EU", [[HOSTILE, []]]], ["US", []]] == _outline(one(root, "nav/ul"))


LABELS = ["1 Mar", "2 Mar", "3 Mar"]
SERIES = [{"name": "crm", "values": [3, 0, 7]}, {"name": HOSTILE, "values": [1, 1, 0]}]


@pytest.mark.parametrize(("kind", "mark"), [("line", "circle"), ("bar", "rect")])
def test_a_chart_is_an_image_whose_points_carry_their_data(kind: str, mark: str) -> None:
    """The SVG is role=img named by its title and described; every point carries its series,
    key and value."""
    call = f"{{{{ chart('logins', 'Logins', labels, series, kind='{kind}', desc='Per day', keys=keys) }}}}"
    root = tree(render("chart", call, labels=LABELS, series=SERIES, keys=["d1", "d2", "d3"]))
    svg = one(root, ".//svg")
    names = [
        text(one(root, f".//*[@id='{ref}']")) for ref in svg.get("aria-labelledby", "").split()
    ]
    assert ("img", ["Logins", "Per day"]) == (svg.get("role"), names)
    points = [
        (p.get("data-series"), p.get("data-key"), p.get("data-value")) for p in svg.iter(mark)
    ]
    assert [
        ("crm", "d1", "3"),
        ("crm", "d2", "0"),
        ("crm", "d3", "7"),
        (HOSTILE, "d1", "1"),
        (HOSTILE, "d2", "1"),
        (HOSTILE, "d3", "0"),
    ] == points


def test_a_charts_points_stand_where_their_values_say() -> None:
    """The highest value is the highest point; zero sits on the axis at the bottom."""
    root = tree(
        render("chart", "{{ chart('c', 'C', labels, series) }}", labels=LABELS, series=SERIES)
    )
    heights = {
        (c.get("data-series"), c.get("data-key")): float(c.get("cy", ""))
        for c in root.iter("circle")
    }
    assert heights[("crm", "3 Mar")] < heights[("crm", "1 Mar")] < heights[("crm", "2 Mar")]
    assert heights[("crm", "2 Mar")] == heights[(HOSTILE, "3 Mar")]


def test_a_chart_has_the_same_data_as_a_table() -> None:
    """The table under the chart has a row per position and a column per series, numbers
    formatted for the locale."""
    root = tree(
        render("chart", "{{ chart('c', 'Logins', labels, series) }}", labels=LABELS, series=SERIES)
    )
    table = one(root, ".//table")
    assert "Logins" == text(one(table, "caption"))
    assert ["Day", "crm", HOSTILE] == [text(th) for th in table.findall("thead/tr/th")]
    rows = [[text(c) for c in tr] for tr in table.findall("tbody/tr")]
    assert [["1 Mar", "n3", "n1"], ["2 Mar", "n0", "n1"], ["3 Mar", "n7", "n0"]] == rows


def test_a_charts_position_labels_leave_room_for_each_other() -> None:
    """Thirty dates along the axis: every so many is labelled, each clear of the next."""
    labels = [f"Nov {day}, 2026" for day in range(1, 31)]
    series = [{"name": "s", "values": list(range(30))}]
    root = tree(
        render("chart", "{{ chart('c', 'C', labels, series) }}", labels=labels, series=series)
    )
    ticks = [t for t in root.iter("text") if t.get("text-anchor") == "middle"]
    xs = [float(t.get("x", "")) for t in ticks]
    assert 3 <= len(ticks) < 10
    assert all(b - a >= 7 * len(labels[-1]) for a, b in pairwise(xs))


def test_a_chart_of_nothing_draws_an_empty_axis() -> None:
    """No series and no labels still make a valid, named image."""
    root = tree(render("chart", "{{ chart('c', 'C', [], []) }}"))
    assert ("img", []) == (one(root, ".//svg").get("role"), list(root.iter("circle")))
