"""Browsing: the folder tree, the projects of a folder, a project and its history, live.

Which buttons a user may use is the server's answer to `get-my-permissions` at the folder,
never a rule of these pages. Each change is a plain form (POST, then a redirect to the page
that shows it); htmx posts the same form and swaps the list in place. The list is a read
model the server updates a moment after a change, so a page asked for with `fresh=<project>`
waits (briefly) until the list shows the project as its stream is now (decision 61).
Live updates: `static/live.js` connects to the server's MQTT over WebSocket listener with
the user's token (`/session/push-token`), refreshes the regions marked `data-live-refresh`
and shows each notification as a toast rendered here (`/notifications/toast`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ossature.sdk import Json, OssatureError
from ossature.web._page import View, page, safe_next

__all__ = ["ROUTES"]

ACTIONS = {  # the page's controls and the action each needs, as get-my-permissions names them
    "create": "projects.create",
    "rename": "projects.rename",
    "archive": "projects.archive",
}
FRESH_WITHIN = 3.0  # seconds a page waits for the list to show a change (never a failure)
HISTORY_PAGE = 25
LIST_PAGE = 50  # projects drawn at once: a folder of 1,300 took a second to first paint


async def folder_tree(view: View) -> Response:
    folders = await view.client.list_folders()
    return view.render("pages/browse/folders.html", partial="content", folders=folders)


async def folder_page(view: View) -> Response:
    return await _folder(view, view.request.path_params["folder_id"])


async def _folder(
    view: View,
    folder_id: str,
    problem: OssatureError | None = None,
    status: int = 200,
    fresh: str | None = None,
) -> Response:
    """The folder's page: where it is, its subfolders, its projects and what one may do."""
    folders = await view.client.list_folders()
    folder = next((f for f in folders if f["folderId"] == folder_id), None)
    if folder is None:
        return view.refusal(404, "browse.folder-not-found")
    fresh = fresh or view.request.query_params.get("fresh")
    projects = await _fresh_listing(view, folder_id, fresh)
    start = _start(projects, _version(view.request.query_params.get("start")), fresh)
    return view.render(
        "pages/browse/folder.html",
        status,
        partial="content",
        folder=folder,
        folders=folders,
        trail=_trail(folders, folder),
        children=[f for f in folders if f["parentId"] == folder_id],
        projects=projects[start : start + LIST_PAGE],
        start=start,
        previous=None if start == 0 else str(start - LIST_PAGE) if start > LIST_PAGE else "",
        next=str(start + LIST_PAGE) if start + LIST_PAGE < len(projects) else None,
        may=await _permissions(view, folder_id),
        problem=problem,
    )


def _start(projects: list[Json], asked: int | None, fresh: str | None) -> int:
    """Where the page of the list starts: where asked, else at the page that holds the
    project just changed (`fresh`), else at the first."""
    if asked is not None:
        return asked - asked % LIST_PAGE
    index = next((i for i, p in enumerate(projects) if p["projectId"] == fresh), 0)
    return index - index % LIST_PAGE


async def create_project(view: View) -> Response:
    form = await view.form()
    folder_id = view.request.path_params["folder_id"]
    try:
        name, key = str(form.get("name") or ""), view.idempotency_key  # Try again: the same key
        made = await view.client.create_project(folder_id, name, idempotency_key=key)
    except OssatureError as error:
        return await _refused(view, folder_id, error)
    if view.is_htmx:  # the list swapped in place, as a redirect would have shown it
        return await _folder(view, folder_id, fresh=made)
    return view.redirect(f"/folders/{quote(folder_id)}?fresh={quote(made)}")


async def rename_project(view: View) -> Response:
    return await _change(view, "rename-project", "name")


async def archive_project(view: View) -> Response:
    return await _change(view, "archive-project")


async def unarchive_project(view: View) -> Response:
    return await _change(view, "unarchive-project")


async def _change(view: View, command: str, *fields: str) -> Response:
    """Run `command` on the path's project (with the form's `fields`), then show the page
    the form came from (`back`), fresh."""
    project_id = view.request.path_params["project_id"]
    form = await view.form()
    back = safe_next(str(form.get("back") or f"/projects/{project_id}"))
    payload = {"projectId": project_id, **{f: str(form.get(f) or "") for f in fields}}
    folder_id = str(form.get("folder") or "")
    in_folder = back.startswith("/folders/") and bool(folder_id)
    try:
        await view.client.command(command, payload, idempotency_key=view.idempotency_key)
    except OssatureError as error:
        if in_folder:
            return await _refused(view, folder_id, error)
        raise
    if view.is_htmx and in_folder:  # the list swapped in place, as a redirect would show it
        return await _folder(view, folder_id, fresh=project_id)
    return view.redirect(f"{back}{'&' if '?' in back else '?'}fresh={quote(project_id)}")


async def _refused(view: View, folder_id: str, error: OssatureError) -> Response:
    """The folder page again, the refusal said above the list in the user's language. To
    htmx it is a 200: htmx swaps no 4xx answer, and the list must show what was refused."""
    status = 200 if view.is_htmx else (error.status if error.status >= 400 else 502)
    return await _folder(view, folder_id, error, status)


async def project_page(view: View) -> Response:
    project_id = view.request.path_params["project_id"]
    query = view.request.query_params
    text, after = query.get("q", "").strip(), _version(query.get("after"))
    project = await view.client.get_project(project_id)
    history = await view.client.search_project_history(
        project_id, text or None, newest_first=True, after=after, limit=HISTORY_PAGE
    )
    folders = await view.client.list_folders()
    folder = next((f for f in folders if f["folderId"] == project["folderId"]), None)
    return view.render(
        "pages/browse/project.html",
        partial="content",
        project=project,
        folder=folder,
        trail=_trail(folders, folder) if folder else [],
        folder_names={f["folderId"]: f["name"] for f in folders},
        entries=history["entries"],
        next_page=history["next"],
        text=text,
        after=after,
        may=await _permissions(view, project["folderId"]),
    )


async def push_token(view: View) -> Response:
    """What live.js needs to connect as this user: no-store, same origin, signed in only."""
    if not view.signed_in or view.session is None:
        return JSONResponse({"signedIn": False}, 401, headers={"Cache-Control": "no-store"})
    mqtt = (await view.client.configuration()).get("mqtt") or {}
    tenant, account = str(view.claims.get("tid")), str(view.claims.get("sub"))
    answer = {
        "token": view.session.access_token,
        "expiresAt": view.session.expires_at,
        "tenantId": tenant,
        "accountId": account,
        "websocketUrl": mqtt.get("websocketUrl"),
        "topic": f"tenants/{tenant}/users/{account}/notifications",
        "broadcasts": ["announcements"],  # read by every user: the changelog (decision 66)
    }
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


async def toast(view: View) -> Response:
    """One pushed notification as a toast, in the user's language (server messages only)."""
    key = view.request.query_params.get("key", "")
    raw = view.request.query_params.get("params", "{}")
    params = {**_params(raw), **_title_in(view.locale, raw)}
    text = view.message(key, params) if key.startswith("notifications.") else ""
    link = f"/projects/{quote(params['projectId'])}" if "projectId" in params else None
    if "announcementId" in params:
        link = "/changelog"
    elif "investigationId" in params:
        link = "/reports"
    return view.render("pages/browse/toast.html", text=text, link=link, stamp=time.time_ns())


def _title_in(locale: str, raw: str) -> dict[str, str]:
    """A changelog entry's title in the user's language, when the entry has one (its
    notification carries every locale's in `titles`, `title` being the English one)."""
    try:
        titles = json.loads(raw).get("titles")
    except (ValueError, AttributeError):
        return {}
    if isinstance(titles, dict) and isinstance(titles.get(locale), str):
        return {"title": titles[locale]}
    return {}


def _params(raw: str) -> dict[str, str]:
    try:
        decoded = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(decoded, dict):
        return {}
    return {str(name): str(value) for name, value in decoded.items()}


async def _permissions(view: View, folder_id: str) -> dict[str, bool]:
    """Which of the page's controls the server lets this user use at `folder_id`."""
    actions = set(await view.client.get_my_permissions(folder_id))
    return {control: action in actions for control, action in ACTIONS.items()}


async def _fresh_listing(view: View, folder_id: str, fresh: str | None) -> list[Json]:
    """The folder's projects; with `fresh`, once the list shows that project as it is now."""
    projects = await view.client.list_projects(folder_id)
    if not fresh:
        return projects
    try:
        now = await view.client.get_project(fresh)
    except OssatureError:  # gone, or not this user's to see: nothing to wait for
        return projects
    deadline = time.monotonic() + FRESH_WITHIN
    while not _shows(projects, folder_id, now) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        projects = await view.client.list_projects(folder_id)
    return projects


def _shows(projects: list[Json], folder_id: str, project: Mapping[str, Any]) -> bool:
    """True when the list holds `project` at its version, or it is not in this folder."""
    return project["folderId"] != folder_id or any(
        p["projectId"] == project["projectId"] and p["version"] >= project["version"]
        for p in projects
    )


def _trail(folders: list[Json], folder: Json) -> list[Json]:
    """The folder's ancestors, root first, then the folder."""
    by_id = {f["folderId"]: f for f in folders}
    trail = [folder]
    while trail[0]["parentId"] in by_id:
        trail.insert(0, by_id[trail[0]["parentId"]])
    return trail


def _version(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


ROUTES = [
    Route("/folders", page(folder_tree), methods=["GET"]),
    Route("/folders/{folder_id}", page(folder_page), methods=["GET"]),
    Route("/folders/{folder_id}/projects", page(create_project), methods=["POST"]),
    Route("/projects/{project_id}", page(project_page), methods=["GET"]),
    Route("/projects/{project_id}/rename", page(rename_project), methods=["POST"]),
    Route("/projects/{project_id}/archive", page(archive_project), methods=["POST"]),
    Route("/projects/{project_id}/unarchive", page(unarchive_project), methods=["POST"]),
    Route("/session/push-token", page(push_token, signed_in=False, framed=False), methods=["GET"]),
    Route("/notifications/toast", page(toast, framed=False), methods=["GET"]),
]
