"""Support and the changelog in the browser: my reports, the operator's investigations and
announcements, and "What's new".

A report is `report-problem` (the problem panel's "Report this problem" posts here, with
the failed invocation's id); the operator's pages ask the server, which alone decides who
is an operator (a user who is not gets its 403, in their language). Every form carries an
idempotency key, so that "Try again" resends it with the same key (decision 64).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import Json, OssatureError, new_ulid
from ossature.web._page import View, page

__all__ = ["ROUTES"]

LOCALES = ("en", "fr", "ar")
CHANGELOG_PAGE = 10


async def my_reports(
    view: View, problem: OssatureError | None = None, status: int = 200
) -> Response:
    reports = await view.client.list_my_reports()
    return view.render(
        "pages/support/reports.html",
        status,
        partial="content",
        reports=reports,
        opened=view.request.query_params.get("opened"),
        problem=problem,
        reported=view.request.query_params.get("invocation", ""),
        key=view.idempotency_key,
    )


async def report_problem(view: View) -> Response:
    form = await view.form()
    invocation = str(form.get("invocationId") or "").strip()
    description = str(form.get("description") or "")
    try:
        answer = await view.client.report_problem(
            invocation, description, idempotency_key=view.idempotency_key
        )
    except OssatureError as error:
        if error.status >= 500:
            raise
        return await my_reports(view, error, error.status)
    return view.redirect(f"/reports?opened={answer['investigationId']}")


async def changelog(view: View) -> Response:
    query = view.request.query_params
    filters = {
        "text": query.get("text") or None,
        "since": _day(query.get("since")),
        "until": _day(query.get("until")),
    }
    offset = _number(query.get("offset"))
    answer = await view.client.list_announcements(**filters, limit=CHANGELOG_PAGE, offset=offset)
    entries = [_entry(view.locale, a) for a in answer["announcements"]]
    total = int(answer["total"])
    return view.render(
        "pages/support/changelog.html",
        partial="content",
        entries=entries,
        total=total,
        filters={k: (str(v) if v else "") for k, v in filters.items()},
        query=query,
        previous=None if offset == 0 else str(max(0, offset - CHANGELOG_PAGE)),
        next=str(offset + CHANGELOG_PAGE) if offset + CHANGELOG_PAGE < total else None,
        published=query.get("published"),
    )


async def investigations(
    view: View, problem: OssatureError | None = None, status: int = 200
) -> Response:
    wanted = view.request.query_params.get("status", "open")
    wanted = wanted if wanted in ("open", "resolved", "all") else "open"
    listed = await view.client.list_investigations(None if wanted == "all" else wanted)
    keys = {item["investigationId"]: new_ulid() for item in listed}  # one per form
    posted = view.request.path_params.get("investigation_id")
    if posted in keys:  # the form that failed keeps its key, for the next try
        keys[posted] = view.idempotency_key
    return view.render(
        "pages/support/investigations.html",
        status,
        partial="content",
        investigations=listed,
        wanted=wanted,
        resolved=view.request.query_params.get("resolved"),
        problem=problem,
        keys=keys,
    )


async def resolve(view: View) -> Response:
    form = await view.form()
    investigation = view.request.path_params["investigation_id"]
    answer = str(form.get("answer") or "")
    try:
        await view.client.resolve_investigation(
            investigation, answer, idempotency_key=view.idempotency_key
        )
    except OssatureError as error:
        if error.status >= 500 or error.status == 403:
            raise
        return await investigations(view, error, error.status)
    return view.redirect(f"/operator/investigations?resolved={investigation}")


async def announcement_form(view: View) -> Response:
    return view.render(
        "pages/support/publish.html",
        partial="content",
        values={},
        problem=None,
        locales=LOCALES,
        key=view.idempotency_key,
    )


async def publish(view: View) -> Response:
    form = await view.form()
    values = {name: str(value) for name, value in form.items() if isinstance(value, str)}
    title = _localized(values, "title")
    body = _localized(values, "body")
    link = values.get("link", "").strip() or None
    try:
        made = await view.client.publish_announcement(
            title, body, link, idempotency_key=view.idempotency_key
        )
    except OssatureError as error:
        if error.status >= 500 or error.status == 403:
            raise
        return view.render(
            "pages/support/publish.html",
            error.status,
            partial="content",
            values=values,
            problem=error,
            locales=LOCALES,
            key=view.idempotency_key,
        )
    return view.redirect(f"/changelog?published={made}")


def _localized(values: Mapping[str, str], name: str) -> dict[str, str]:
    """The texts of `name` by locale, the locales left empty left out."""
    texts = {locale: values.get(f"{name}-{locale}", "").strip() for locale in LOCALES}
    return {locale: text for locale, text in texts.items() if text or locale == "en"}


def _entry(locale: str, announcement: Json) -> dict[str, Any]:
    """An entry in the user's language (English when it has none of theirs), its body in
    paragraphs."""
    title, body = announcement["title"], announcement["body"]
    shown = locale if locale in title else "en"
    text = body.get(locale) or body["en"]
    return {
        "id": announcement["announcementId"],
        "title": title.get(shown, title["en"]),
        "lang": shown,
        "body_lang": locale if locale in body else "en",
        "paragraphs": [p.strip() for p in text.split("\n\n") if p.strip()],
        "link": announcement.get("link"),
        "published_at": announcement["publishedAt"],
    }


def _day(value: str | None) -> str | None:
    """A day the filter form sent, when it is one (ISO), else no filter."""
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else 0


ROUTES = [
    Route("/reports", page(my_reports), methods=["GET"]),
    Route("/reports", page(report_problem), methods=["POST"]),
    Route("/changelog", page(changelog), methods=["GET"]),
    Route("/operator/investigations", page(investigations), methods=["GET"]),
    Route("/operator/investigations/{investigation_id}/resolve", page(resolve), methods=["POST"]),
    Route("/operator/announcements", page(announcement_form), methods=["GET"]),
    Route("/operator/announcements", page(publish), methods=["POST"]),
]
