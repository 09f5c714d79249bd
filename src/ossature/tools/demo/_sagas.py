"""The demo's step for sagas: project names unique within a folder, kept by a saga."""

from __future__ import annotations

import asyncio

from ossature.sdk import new_ulid
from ossature.tools.demo._support import POLL_SECONDS, Demo, check


async def twin_names(demo: Demo) -> str:
    """Admin, then editor, create projects of one name in France: both are answered; the
    saga undoes the editor's (archived), and the editor is told in-app."""
    editor, admin = await demo.user("editor"), await demo.user("admin")
    name, france = f"Twin {new_ulid()[-6:]}", demo.folder("France")
    async with editor.subscribe() as notifications:
        first = await admin.create_project(france, name)
        second = await editor.create_project(france, name.upper())
        async with asyncio.timeout(POLL_SECONDS):
            async for notice in notifications:
                if notice.message_key == "notifications.project-creation-undone":
                    break
    check(notice.entity_id == second, f"told of {notice.entity_id}, not {second}")
    kept, undone = await editor.get_project(first), await editor.get_project(second)
    seen = (kept["archived"], undone["archived"])
    check(seen == (False, True), f"archived: {seen}")
    return f"{name!r} stands; {name.upper()!r} undone, its author told ({notice.message_key})"
