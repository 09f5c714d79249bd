"""The projects catalog: one row per project, its state as its events fold it.

Fed asynchronously from the event stream. Creations are inserted a run at a time; every
other event of a project is folded onto its row with the event's own `evolve`, the same
fold that commands use: the row cannot drift from the stream, and a new event type of a
project needs no handler here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.modules.projects.state import Project, ProjectEvent

__all__ = ["catalog"]


async def _created(conn: Any, envelopes: Sequence[Envelope]) -> None:
    """A run of creations, one row each, in one statement (they touch distinct rows)."""
    payloads = [e.payload for e in envelopes]
    await conn.execute(
        "insert into projects (tenant_id, project_id, folder_id, name, version)"
        " select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])",
        [e.tenant_id for e in envelopes],
        [p["projectId"] for p in payloads],
        [p["folderId"] for p in payloads],
        [p["projectName"] for p in payloads],
        [e.stream_version for e in envelopes],
    )


_ROW = "select project_id, folder_id, name, archived from projects where project_id = $1"
_WRITE = """update projects set folder_id = $2, name = $3, archived = $4, version = $5
    where project_id = $1"""


def catalog(events: Sequence[type[ProjectEvent]]) -> Projection:
    """The catalog of the projects whose streams hold `events` (the module's event types)."""
    by_name = {event.name: event for event in events}

    async def folded(conn: Any, envelope: Envelope) -> None:
        row = await conn.fetchrow(_ROW, envelope.stream_id)
        event = envelope.decode(by_name[envelope.event_type])
        assert isinstance(event, ProjectEvent)
        project = event.evolve(Project(**row))
        await conn.execute(
            _WRITE,
            envelope.stream_id,
            project.folder_id,
            project.name,
            project.archived,
            envelope.stream_version,
        )

    return Projection(
        name="projects-catalog",
        handlers={name: folded for name in by_name if name != ProjectCreated.name},
        tables=("projects",),
        runs={ProjectCreated.name: _created},
    )
