"""Administration pages: the audit log and one entry, the members of a folder, logins per day.

Every page asks the server what the user may see and do (list-audit-entries,
get-my-permissions, list-role-assignments, ...) and shows that: a button the user may not
use is disabled and says why, from get-my-permissions at the page's folder, never from a
rule of its own. A refusal of a filter or a form is shown in the page, in the user's
language, its values kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import Json, OssatureError, new_ulid
from ossature.web._abilities import Needs
from ossature.web._i18n import format_day
from ossature.web._page import View, page

__all__ = ["ROUTES"]

PAGE_SIZE = 50
FILTERS = ("actor", "name", "outcome", "from", "to")
OUTCOMES = ("allowed", "denied", "unauthenticated", "failed")
MAX_SOURCES = 12  # sources drawn besides Ossature's own, as the CLI draws them
DEFAULT_DAYS = 30
# What the logins page needs of the tenant's plan: the module, and for other applications'
# logins its feature external-sources.
ANALYTICS = Needs(module="analytics")
EXTERNAL_SOURCES = Needs(module="analytics", feature="analytics.external-sources")


# Powers: asked of the server, at the folders of the user's grants.


async def _actions_anywhere(view: View) -> set[str]:
    """The actions the user may perform at any folder of their grants (asked once a page)."""
    return set((await view.know()).actions)


async def _names(view: View, may_read: bool) -> dict[str, Json]:
    """The tenant's accounts by id, when the user may read them; else none."""
    if not may_read:
        return {}
    return {account["accountId"]: account for account in await view.client.list_accounts()}


# The audit log.


def _problem(view: View, error: OssatureError) -> str:
    return view.message(error.message_key, error.message_params)


async def audit(view: View) -> Response:
    query = view.request.query_params
    chosen = {name: query.get(name) or None for name in FILTERS}
    actions = await _actions_anywhere(view)
    accounts = await _names(view, "accounts.read" in actions)
    entries: list[Json] = []
    following, problem, status = None, None, 200
    try:
        entries, following = await view.client.audit_page(
            actor_id=chosen["actor"],
            name=chosen["name"],
            outcome=chosen["outcome"],
            first=chosen["from"],
            last=chosen["to"],
            cursor=query.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    except OssatureError as error:
        problem, status = _problem(view, error), error.status
    return view.render(
        "pages/admin/audit.html",
        status,
        partial="results",
        everyone="audit.read-all" in actions,
        accounts=accounts,
        chosen=chosen,
        outcomes=OUTCOMES,
        entries=entries,
        following=following,
        first_page=bool(query.get("cursor")),
        request_query=[(name, value) for name, value in query.multi_items() if value],
        problem=problem,
    )


async def audit_entry(view: View) -> Response:
    entry = await view.client.get_audit_entry(view.request.path_params["invocation_id"])
    actions = await _actions_anywhere(view)
    accounts = await _names(view, "accounts.read" in actions)
    return view.render("pages/admin/audit_entry.html", entry=entry, accounts=accounts)


# The members of a folder.


async def members(view: View) -> Response:
    return await _members_page(view, view.request.path_params["folder_id"])


async def _members_page(
    view: View,
    folder_id: str,
    problem: str | None = None,
    status: int = 200,
    values: Mapping[str, str] | None = None,
) -> Response:
    assignments = await view.client.list_role_assignments(folder_id)
    actions = set(await view.client.get_my_permissions(folder_id))
    folders = {folder["folderId"]: folder for folder in await view.client.list_folders()}
    accounts = await _names(view, "accounts.read" in actions)
    return view.render(
        "pages/admin/members.html",
        status,
        folder=folders.get(folder_id, {"folderId": folder_id, "name": folder_id}),
        folders=folders,
        assignments=assignments,
        accounts=accounts,
        roles=await view.client.list_roles(),
        may_invite={"accounts.create", "access.assign"} <= actions,
        may_revoke="access.assign" in actions,
        may_deactivate="accounts.deactivate" in actions,
        done=view.request.query_params.get("done"),
        problem=problem,
        values=values or {},
    )


async def invite(view: View) -> Response:
    folder_id = view.request.path_params["folder_id"]
    form = await view.form()
    values = {name: str(form.get(name) or "") for name in ("email", "displayName", "role")}
    try:
        await view.client.invite_account(
            values["email"],
            values["displayName"],
            values["role"],
            folder_id,
            idempotency_key=view.idempotency_key,  # a "Try again" resends it
        )
    except OssatureError as error:
        return await _members_page(view, folder_id, _problem(view, error), error.status, values)
    return view.redirect(f"/folders/{folder_id}/members?done=invited")


async def revoke(view: View) -> Response:
    folder_id = view.request.path_params["folder_id"]
    form = await view.form()
    fields = [str(form.get(name) or "") for name in ("accountId", "role", "folderId")]
    try:
        await view.client.revoke_role(*fields, idempotency_key=view.idempotency_key)
    except OssatureError as error:
        return await _members_page(view, folder_id, _problem(view, error), error.status)
    return view.redirect(f"/folders/{folder_id}/members?done=revoked")


async def deactivate(view: View) -> Response:
    folder_id = view.request.path_params["folder_id"]
    form = await view.form()
    try:
        account = str(form.get("accountId") or "")
        await view.client.deactivate_account(account, idempotency_key=view.idempotency_key)
    except OssatureError as error:
        return await _members_page(view, folder_id, _problem(view, error), error.status)
    return view.redirect(f"/folders/{folder_id}/members?done=deactivated")


async def forget(view: View) -> Response:
    """forget-account of a member, once the box saying it cannot be undone is ticked."""
    folder_id = view.request.path_params["folder_id"]
    form = await view.form()
    if str(form.get("confirm") or "") != "yes":
        message = view.t("admin.forget-unconfirmed")
        return await _members_page(view, folder_id, message, 400)
    try:
        account = str(form.get("accountId") or "")
        await view.client.forget_account(account, idempotency_key=view.idempotency_key)
    except OssatureError as error:
        return await _members_page(view, folder_id, _problem(view, error), error.status)
    return view.redirect(f"/folders/{folder_id}/members?done=forgotten")


# Logins per day.


def _period(view: View) -> tuple[date, date] | None:
    """The days asked for (the last thirty by default); None when one is not a date."""
    today = datetime.now(UTC).date()
    query = view.request.query_params
    try:
        last = date.fromisoformat(query.get("to") or today.isoformat())
        first = date.fromisoformat(
            query.get("from") or (last - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        )
    except ValueError:
        return None
    return first, last


async def _series(view: View, first: date, last: date, sources: list[Json]) -> list[dict[str, Any]]:
    """Ossature's own logins, then each source's (the first by name): [{name, points}]."""
    own = await view.client.count_logins_per_day(first, last)
    series = [{"name": view.t("admin.logins-own"), "points": own}]
    for source in sources:
        points = await view.client.count_source_logins_per_day(source["name"], first, last)
        series.append({"name": source["name"], "points": points})
    return series


async def logins(view: View, refused: OssatureError | None = None) -> Response:
    """The chart of logins per day; with the tenant's feature external-sources, each other
    application's too and its sources, each with "Extract now". `refused`: the extract the
    server refused, drawn as the problem panel (an unmet requirement lists its way)."""
    abilities = await view.know()
    if not abilities.has(ANALYTICS):  # not an error: the plan's matter, said as such
        return view.render("pages/admin/logins.html", unavailable=True, chosen={}, problem=None)
    with_sources = abilities.has(EXTERNAL_SOURCES)
    period = _period(view)
    query = view.request.query_params
    chosen = {"from": query.get("from") or "", "to": query.get("to") or ""}
    if period is None:
        return view.render(
            "pages/admin/logins.html",
            422,
            chosen=chosen,
            problem=view.t("admin.logins-bad-day"),
            unavailable=False,
        )
    first, last = period
    chosen = {"from": first.isoformat(), "to": last.isoformat()}
    try:
        sources = (await view.client.list_login_sources())[:MAX_SOURCES] if with_sources else []
        series = await _series(view, first, last, sources)
    except OssatureError as error:
        return view.render(
            "pages/admin/logins.html",
            error.status,
            chosen=chosen,
            problem=error,
            unavailable=False,
        )
    days = [str(point["day"]) for point in series[0]["points"]]
    return view.render(
        "pages/admin/logins.html",
        refused.status if refused else 200,
        chosen=chosen,
        problem=refused,
        unavailable=False,
        with_sources=with_sources,
        sources=sources,
        may_extract="analytics.extract" in abilities.actions,
        extracted=query.get("extracted"),
        key=view.idempotency_key if refused else new_ulid(),
        days=days,
        day_labels=[format_day(day, view.locale) for day in days],
        chart_series=[
            {"name": s["name"], "values": [int(p["count"]) for p in s["points"]]} for s in series
        ],
        first=first,
        last=last,
    )


async def extract(view: View) -> Response:
    """run-login-extract for one source now; a refusal (an unmet requirement, say) is shown
    on the logins page, a failure of the source as the problem page (retry, report)."""
    form = await view.form()
    source = str(form.get("source") or "")
    payload = {"source": source}
    try:
        await view.client.command(
            "run-login-extract", payload, idempotency_key=view.idempotency_key
        )
    except OssatureError as error:
        if error.status >= 500 or error.status == 401:
            raise
        return await logins(view, error)
    return view.redirect(f"/analytics/logins?{urlencode({'extracted': source})}")


ROUTES = [
    Route("/audit", page(audit), methods=["GET"]),
    Route("/audit/{invocation_id}", page(audit_entry), methods=["GET"]),
    Route("/folders/{folder_id}/members", page(members), methods=["GET"]),
    Route("/folders/{folder_id}/members/invite", page(invite), methods=["POST"]),
    Route("/folders/{folder_id}/members/revoke", page(revoke), methods=["POST"]),
    Route("/folders/{folder_id}/members/deactivate", page(deactivate), methods=["POST"]),
    Route("/folders/{folder_id}/members/forget", page(forget), methods=["POST"]),
    Route("/analytics/logins", page(logins), methods=["GET"]),
    Route("/analytics/logins/extract", page(extract), methods=["POST"]),
]
