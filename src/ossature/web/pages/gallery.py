"""`/ui/components`: the gallery of the component library, every component in its states.

Public, like a storybook: the pages use these macros, this page shows them alone, with
sample data, so that a change to one is seen (and checked by axe) in every state. Its forms
post back here and are only acknowledged; the table pages through its sample rows by cursor.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import OssatureError
from ossature.web._i18n import format_day
from ossature.web._page import View, page

__all__ = ["ROUTES"]

PAGE_SIZE = 5
FOLDERS: list[dict[str, str | None]] = [
    {"folderId": "f-global", "name": "Global", "parentId": None},
    {"folderId": "f-eu", "name": "EU", "parentId": "f-global"},
    {"folderId": "f-france", "name": "France", "parentId": "f-eu"},
    {"folderId": "f-us", "name": "US", "parentId": "f-global"},
]
PROJECTS = [
    {"name": name, "folder": folder, "version": version}
    for name, folder, version in [
        ("Apollo", "France", 3),
        ("Borealis", "US", 1),
        ("Cassini", "France", 7),
        ("Dorado", "EU", 2),
        ("Eridanus", "US", 4),
        ("Fornax", "France", 1),
        ("Gemini", "EU", 5),
        ("Hydra", "US", 2),
        ("Indus", "France", 9),
        ("Juno", "EU", 1),
        ("Kepler", "US", 3),
        ("Lyra", "France", 6),
    ]
]
FIRST_DAY = date(2026, 3, 1)
LOGINS = {"ossature": [12, 15, 9, 4, 3, 14, 17], "crm": [5, 7, 6, 2, 0, 8, 11]}


def _offset(query: QueryParams) -> int:
    """The sample table's cursor: an offset into the rows (anything else: the first page)."""
    cursor = query.get("cursor", "")
    offset = int(cursor) if cursor.isdigit() else 0
    return offset if offset < len(PROJECTS) else 0


def _paging(query: QueryParams) -> dict[str, Any]:
    offset = _offset(query)
    previous = None if offset == 0 else ("" if offset <= PAGE_SIZE else str(offset - PAGE_SIZE))
    following = offset + PAGE_SIZE
    return {
        "rows": PROJECTS[offset:following],
        "query": query,
        "previous": previous,
        "next_cursor": str(following) if following < len(PROJECTS) else None,
        "page": offset // PAGE_SIZE + 1,
        "pages": -(-len(PROJECTS) // PAGE_SIZE),
    }


def _problems() -> dict[str, OssatureError]:
    return {
        "refused": OssatureError(
            422, "projects.archived", invocation_id="01JGALLERY0REFUSED000000"
        ),
        "unavailable": OssatureError(
            503, "errors.unavailable", invocation_id="01JGALLERY0RETRY00000000", retryable=True
        ),
        "unexpected": OssatureError(
            500, "errors.internal", invocation_id="01JGALLERY0REPORT0000000"
        ),
    }


def _charts(locale: str) -> dict[str, Any]:
    days = [FIRST_DAY + timedelta(n) for n in range(7)]
    return {
        "days": [format_day(day, locale) for day in days],
        "day_keys": [day.isoformat() for day in days],
        "series": [{"name": name, "values": values} for name, values in LOGINS.items()],
        "folder_names": [folder["name"] for folder in FOLDERS],
    }


async def gallery(view: View) -> Response:
    """Every component in its states; a posted form is acknowledged and changes nothing."""
    submitted = view.request.method == "POST"
    if submitted:
        await view.form()
    values = {**_paging(view.request.query_params), **_problems(), **_charts(view.locale)}
    return view.render("pages/gallery/index.html", folders=FOLDERS, submitted=submitted, **values)


async def dialog_page(view: View) -> Response:
    """The gallery's dialog reached as a page (what its opener links to)."""
    return view.render("pages/gallery/dialog.html")


ROUTES = [
    Route("/ui/components", page(gallery, signed_in=False), methods=["GET", "POST"]),
    Route("/ui/components/dialog", page(dialog_page, signed_in=False)),
]
