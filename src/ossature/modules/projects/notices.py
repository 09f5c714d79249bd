"""What the users who may see a project are told when it changes (pushed over MQTT)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope
from ossature.kernel.notice import Notice
from ossature.modules.projects.state import replay

__all__ = ["NOTICES"]


def _the_project(envelope: Envelope) -> Mapping[str, Any]:
    """The payload of `get-project` for the event's project: its guard decides who is told."""
    return {"projectId": envelope.stream_id}


async def _name_at_the_time(envelope: Envelope, deps: Deps) -> Mapping[str, Any]:
    """The project's name as it was when the event happened (archiving does not carry it)."""
    stream = await deps.uow.load(envelope.stream_id)
    before = [e for e in stream.envelopes if e.stream_version <= envelope.stream_version]
    project = replay(before)
    return {"projectId": envelope.stream_id, "projectName": project.name if project else ""}


NOTICES = [
    Notice("project-created", "notifications.project-created", "get-project", _the_project),
    Notice("project-renamed", "notifications.project-renamed", "get-project", _the_project),
    Notice(
        "project-archived",
        "notifications.project-archived",
        "get-project",
        _the_project,
        _name_at_the_time,
    ),
]
