"""The projects catalog: one row per project, its state as its events fold it.

Fed asynchronously from the event stream. Creations are inserted a run at a time (one
statement per run); every other event of a project is folded onto its row with the
event's own `evolve`, the fold the commands use (`folded_rows`): the row cannot drift from
the stream, and a new event type of a project needs no handler here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection, folded_rows
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.modules.projects.state import Project, ProjectEvent

__all__ = ["catalog"]


async def _created(conn: Any, envelopes: Sequence[Envelope]) -> None:
    """A run of creations, one row each, in one statement (they touch distinct rows)."""
    payloads = [e.payload for e in envelopes]
    await conn.execute(
        "insert into projects (tenant_id, project_id, folder_id, name, version, description)"
        " select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],"
        " $6::text[])",
        [e.tenant_id for e in envelopes],
        [p["projectId"] for p in payloads],
        [p["folderId"] for p in payloads],
        [p["projectName"] for p in payloads],
        [e.stream_version for e in envelopes],
        [p.get("description", "") for p in payloads],  # absent from events stored before it
    )


def catalog(events: Sequence[type[ProjectEvent]]) -> Projection:
    """The catalog of the projects whose streams hold `events` (the module's event types)."""
    runs = {ProjectCreated.name: _created}
    return folded_rows("projects-catalog", "projects", Project, events, runs)
