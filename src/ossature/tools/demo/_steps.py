"""The demo's steps: each walks one flow through the SDK and says what it saw."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from ossature.sdk import Json, new_ulid
from ossature.tools.demo._support import (
    FOLDERS,
    OTHER_TENANT,
    POLL_SECONDS,
    TENANT,
    Demo,
    check,
    eventually,
    expect_problem,
    ids,
    status_of,
)

# 1. Health and keys


async def ready(demo: Demo) -> str:
    status = (await demo.client.get("/health/ready")).status_code
    check(status == 200, f"answered {status}")
    return "200"


async def jwks(demo: Demo) -> str:
    keys = (await demo.client.get("/.well-known/jwks.json")).json().get("keys", [])
    check(len(keys) >= 1, "no key published")
    return f"{len(keys)} key(s), first kid {keys[0].get('kid')}"


# 2-3. Logging in, folders


async def log_in(demo: Demo) -> str:
    editor = await demo.user("editor")
    return f"token issued ({len(editor.token or '')} chars)"


async def wrong_password(demo: Demo) -> str:
    anonymous = demo.client.with_token(None)
    login = anonymous.log_in(TENANT, f"editor@{TENANT}.test", demo.password + "-wrong")
    return (await expect_problem(login, 401)).message_key


async def list_folders(demo: Demo) -> str:
    admin = await demo.user("admin")
    demo.folders = {folder["name"]: folder["folderId"] for folder in await admin.list_folders()}
    missing = set(FOLDERS) - demo.folders.keys()
    check(not missing, f"missing {sorted(missing)}")
    return ", ".join(demo.folders)


async def editor_folders(demo: Demo) -> str:
    editor = await demo.user("editor")
    names = {folder["name"] for folder in await editor.list_folders()}
    check(names == {"Global", "EU", "France"}, f"editor sees {sorted(names)}")
    return ", ".join(sorted(names))


# 4-6. Creating, idempotency, renaming, history, concurrency


async def create_project(demo: Demo) -> str:
    editor, key = await demo.user("editor"), new_ulid()
    demo.project_name = f"Demo {key[-6:]}"
    demo.project_id = await editor.create_project(
        demo.folder("France"), demo.project_name, idempotency_key=key
    )
    demo.create_key, demo.create_ids = key, ids(editor, key)
    return f"projectId {demo.project_id}"


async def replay_create(demo: Demo) -> str:
    editor, key = await demo.user("editor"), demo.create_key
    check(bool(demo.project_id), "no project was created")
    again = await editor.create_project(
        demo.folder("France"), demo.project_name, idempotency_key=key
    )
    check(again == demo.project_id, f"answered another projectId {again}")
    return "same projectId"


async def listed_once(demo: Demo) -> str:
    editor = await demo.user("editor")

    def count(projects: list[Json]) -> int:
        return sum(project["projectId"] == demo.project_id for project in projects)

    projects = await eventually(
        lambda: editor.list_projects(demo.folder("France")), lambda found: count(found) >= 1
    )
    check(count(projects) == 1, f"listed {count(projects)} times")
    return f"listed once among {len(projects)}"


async def rename(demo: Demo) -> str:
    editor, key = await demo.user("editor"), new_ulid()
    demo.project_name = f"{demo.project_name} (renamed)"
    version = await editor.rename_project(demo.project_id, demo.project_name, idempotency_key=key)
    demo.rename_ids = ids(editor, key)
    check(version == 2, f"version {version}")
    return "version 2"


async def renamed(demo: Demo) -> str:
    editor = await demo.user("editor")
    project = await eventually(
        lambda: editor.get_project(demo.project_id), lambda found: found["version"] >= 2
    )
    seen = (project["name"], project["version"])
    check(seen == (demo.project_name, 2), f"shows {seen}")
    return f"{project['name']!r}, version 2"


async def history(demo: Demo) -> str:
    editor = await demo.user("editor")
    entries = await eventually(
        lambda: editor.get_project_history(demo.project_id), lambda found: len(found) >= 2
    )
    check(len(entries) == 2, f"{len(entries)} entries")
    recorded = {entry.get("invocationId") for entry in entries}
    for name, known in (("create", demo.create_ids), ("rename", demo.rename_ids)):
        check(bool(recorded & known), f"the {name} invocation is missing from {recorded}")
    return ", ".join(str(entry.get("eventType")) for entry in entries)


async def history_search(demo: Demo) -> str:
    """The history searched for the new name finds the rename alone, with before and after."""
    editor = await demo.user("editor")
    page = await editor.search_project_history(demo.project_id, "(renamed)", newest_first=True)
    found = [(e["eventType"], e["actorName"], e["changes"]) for e in page["entries"]]
    name = {"field": "name", "before": demo.project_name.removesuffix(" (renamed)")}
    expected = [("project-renamed", "Editor", [name | {"after": demo.project_name}])]
    check(found == expected, f"found {found}")
    return f"{found[0][0]} by {found[0][1]}"


async def notified(demo: Demo) -> str:
    """The editor, subscribed over MQTT, hears of the admin's rename: a key and its parameters."""
    editor, admin = await demo.user("editor"), await demo.user("admin")
    check(bool(demo.project_id), "no project to rename")
    async with editor.subscribe() as notifications:
        demo.project_name = f"{demo.project_name} (by admin)"
        await admin.rename_project(demo.project_id, demo.project_name)
        async with asyncio.timeout(POLL_SECONDS):
            async for notice in notifications:
                if notice.params.get("projectName") == demo.project_name:
                    break
    check(notice.message_key == "notifications.project-renamed", f"got {notice.message_key}")
    check(notice.entity_id == demo.project_id, f"about {notice.entity_id}")
    return f"{notice.message_key} {notice.params.get('previousName')!r} → {demo.project_name!r}"


async def stale_rename(demo: Demo) -> str:
    editor = await demo.user("editor")
    stale = editor.rename_project(demo.project_id, "Stale", expected_version=1)
    return (await expect_problem(stale, 409)).message_key


async def archived_and_back(demo: Demo) -> str:
    """Archived, the project refuses a rename; unarchived, it takes changes again."""
    editor = await demo.user("editor")
    archived = await editor.archive_project(demo.project_id)
    frozen = editor.rename_project(demo.project_id, "Frozen")
    refused = (await expect_problem(frozen, 409)).message_key
    check(refused == "projects.archived", f"the rename got {refused}")
    back = await editor.command("unarchive-project", {"projectId": demo.project_id})
    project = await editor.get_project(demo.project_id)
    seen = (project["archived"], project["version"])
    check(seen == (False, archived + 1) == (False, back["version"]), f"shows {seen}")
    return f"archived at version {archived}, {refused}, back at version {back['version']}"


# 7-9. Authorization and tenancy


async def denied_create(demo: Demo) -> str:
    editor, key = await demo.user("editor"), new_ulid()
    attempt = editor.create_project(demo.folder("US"), "Not mine", idempotency_key=key)
    error = await expect_problem(attempt, 403)
    demo.denied_ids = ids(editor, key, error.invocation_id)
    return error.message_key


async def viewer_sees_us(demo: Demo) -> str:
    viewer, us = await demo.user("viewer"), demo.folder("US")
    demo.us_projects = await eventually(viewer.list_projects, bool)
    elsewhere = [p["name"] for p in demo.us_projects if p["folderId"] != us]
    check(bool(demo.us_projects), "sees no project")
    check(not elsewhere, f"also sees {elsewhere}")
    return ", ".join(project["name"] for project in demo.us_projects)


async def viewer_rename(demo: Demo) -> str:
    viewer = await demo.user("viewer")
    check(bool(demo.us_projects), "no US project to try")
    attempt = viewer.rename_project(demo.us_projects[0]["projectId"], "Renamed by a viewer")
    return (await expect_problem(attempt, 403)).message_key


async def cross_tenant(demo: Demo) -> str:
    stranger = await demo.user("admin", OTHER_TENANT)
    return (await expect_problem(stranger.get_project(demo.project_id), 404)).message_key


# 10-11. Validation, unknown names, permissions


async def junk_payload(demo: Demo) -> str:
    editor = await demo.user("editor")
    junk = editor.command("create-project", {"folderId": 5})
    return (await expect_problem(junk, 422)).message_key


async def unknown_command(demo: Demo) -> str:
    editor = await demo.user("editor")
    return (await expect_problem(editor.command("brew-coffee", {}), 404)).message_key


async def may_rename_in_france(demo: Demo) -> str:
    actions = await (await demo.user("editor")).get_my_permissions(demo.folder("France"))
    check("projects.rename" in actions, f"actions {actions}")
    return ", ".join(actions)


async def nothing_in_us(demo: Demo) -> str:
    actions = await (await demo.user("editor")).get_my_permissions(demo.folder("US"))
    check(actions == [], f"actions {actions}")
    return "none"


# 12-14. Analytics, audit, messages, log-out


async def logins_today(demo: Demo) -> str:
    admin, today = await demo.user("admin"), datetime.now(UTC).date()

    def total(series: list[Json]) -> int:
        return sum(int(p["count"]) for p in series if str(p["day"]).startswith(today.isoformat()))

    series = await eventually(
        lambda: admin.count_logins_per_day(today, today + timedelta(days=1)),
        lambda found: total(found) >= demo.logins,
    )
    check(total(series) >= demo.logins, f"{total(series)} < {demo.logins} demo logins")
    return f"{total(series)} today (the demo made {demo.logins})"


async def audited_denial(demo: Demo) -> str:
    admin = await demo.user("admin")
    check(bool(demo.denied_ids), "no denied attempt to look for")

    def mentions(entry: Json) -> bool:
        return any(known in json.dumps(entry) for known in demo.denied_ids)

    entries = await eventually(admin.list_audit_entries, lambda found: any(map(mentions, found)))
    check(any(map(mentions, entries)), f"not among {len(entries)} entries")
    return f"found among {len(entries)} entries"


async def french_catalog(demo: Demo) -> str:
    messages = await (await demo.user("editor")).get_message_catalog("fr")
    check(bool(messages), "empty catalog")
    return f"{len(messages)} messages"


async def arabic_catalog(demo: Demo) -> str:
    viewer = await demo.user("viewer")
    english, arabic = [await viewer.get_message_catalog(locale) for locale in ("en", "ar")]
    check(set(english) == set(arabic), f"{len(arabic)} keys in ar, {len(english)} in en")
    same = sorted(key for key, text in arabic.items() if text == english[key])
    check(not same, f"the same in ar as in en: {', '.join(same[:3])}")
    return f"{len(arabic)} messages in Arabic"


async def logged_out(demo: Demo) -> str:
    editor = await demo.user("editor")
    old = demo.client.with_token(editor.token)
    await editor.log_out()
    status = await eventually(lambda: status_of(old.list_folders()), lambda found: found == 401)
    check(status == 401, f"the old token still gets {status}")
    return "401"
