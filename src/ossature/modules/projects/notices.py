"""What the users who may see a project are told when it changes (pushed over MQTT).

Each command's file declares its notice with these two readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope
from ossature.modules.projects.state import replay

__all__ = ["name_at_the_time", "the_project"]


def the_project(envelope: Envelope) -> Mapping[str, Any]:
    """The payload of `get-project` for the event's project: its guard decides who is told."""
    return {"projectId": envelope.stream_id}


async def name_at_the_time(envelope: Envelope, deps: Deps) -> Mapping[str, Any]:
    """The project's name as it was when the event happened (for events that do not carry it)."""
    stream = await deps.uow.load(envelope.stream_id)
    project = replay(stream.events[: envelope.stream_version], envelope.stream_version)
    return {"projectId": envelope.stream_id, "projectName": project.name}
