"""The projects catalog: one row per project, fed asynchronously from the event stream."""

from __future__ import annotations

from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection

__all__ = ["CATALOG"]


async def _created(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into projects (tenant_id, project_id, folder_id, name, version)"
        " values ($1, $2, $3, $4, $5)",
        envelope.tenant_id,
        p["projectId"],
        p["folderId"],
        p["projectName"],
        envelope.stream_version,
    )


async def _renamed(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "update projects set name = $2, version = $3 where project_id = $1",
        envelope.stream_id,
        envelope.payload["projectName"],
        envelope.stream_version,
    )


async def _archived(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "update projects set archived = true, version = $2 where project_id = $1",
        envelope.stream_id,
        envelope.stream_version,
    )


CATALOG = Projection(
    name="projects-catalog",
    handlers={
        "project-created": _created,
        "project-renamed": _renamed,
        "project-archived": _archived,
    },
    tables=("projects",),
)
