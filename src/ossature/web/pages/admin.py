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

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import Json, OssatureError
from ossature.web._i18n import format_day
from ossature.web._page import View, page

__all__ = ["ROUTES"]

PAGE_SIZE = 50
FILTERS = ("actor", "name", "outcome", "from", "to")
OUTCOMES = ("allowed", "denied", "unauthenticated", "failed")
MAX_SOURCES = 12  # sources drawn besides Ossature's own, as the CLI draws them
DEFAULT_DAYS = 30


# Powers: asked of the server, at the folders of the user's grants.


async def _actions_anywhere(view: View) -> set[str]:
    """The actions the user may perform at any folder of their grants."""
    folders = {grant["folderId"] for grant in view.claims.get("roles", [])}
    actions: set[str] = set()
    for folder in sorted(folders):
        actions |= set(await view.client.get_my_permissions(folder))
    return actions


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


async def _series(view: View, first: date, last: date) -> list[dict[str, Any]]:
    """Ossature's own logins, then each source's (the first by name): [{name, points}]."""
    sources = [source["name"] for source in await view.client.list_login_sources()]
    own = await view.client.count_logins_per_day(first, last)
    series = [{"name": view.t("admin.logins-own"), "points": own}]
    for name in sources[:MAX_SOURCES]:
        points = await view.client.count_source_logins_per_day(name, first, last)
        series.append({"name": name, "points": points})
    return series


async def logins(view: View) -> Response:
    period = _period(view)
    query = view.request.query_params
    chosen = {"from": query.get("from") or "", "to": query.get("to") or ""}
    if period is None:
        return view.render(
            "pages/admin/logins.html", 422, chosen=chosen, problem=view.t("admin.logins-bad-day")
        )
    first, last = period
    chosen = {"from": first.isoformat(), "to": last.isoformat()}
    try:
        series = await _series(view, first, last)
    except OssatureError as error:
        return view.render(
            "pages/admin/logins.html", error.status, chosen=chosen, problem=_problem(view, error)
        )
    days = [str(point["day"]) for point in series[0]["points"]]
    return view.render(
        "pages/admin/logins.html",
        chosen=chosen,
        problem=None,
        days=days,
        day_labels=[format_day(day, view.locale) for day in days],
        chart_series=[
            {"name": s["name"], "values": [int(p["count"]) for p in s["points"]]} for s in series
        ],
        first=first,
        last=last,
    )


ROUTES = [
    Route("/audit", page(audit), methods=["GET"]),
    Route("/audit/{invocation_id}", page(audit_entry), methods=["GET"]),
    Route("/folders/{folder_id}/members", page(members), methods=["GET"]),
    Route("/folders/{folder_id}/members/invite", page(invite), methods=["POST"]),
    Route("/folders/{folder_id}/members/revoke", page(revoke), methods=["POST"]),
    Route("/folders/{folder_id}/members/deactivate", page(deactivate), methods=["POST"]),
    Route("/analytics/logins", page(logins), methods=["GET"]),
]
