"""The projects catalog: one row per project, fed asynchronously from the event stream."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection

__all__ = ["CATALOG"]


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
    handlers={"project-renamed": _renamed, "project-archived": _archived},
    tables=("projects",),
    runs={"project-created": _created},
)
