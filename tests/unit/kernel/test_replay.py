"""A folded_rows projection rebuilt in bulk: each stream folded in memory, one row copied each."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import msgspec

from ossature.kernel.messages import EventTypes
from ossature.modules.projects import MODULE
from ossature.modules.projects.commands.rename_project import ProjectRenamed

CATALOG = MODULE.projections[0]


class CopyingConnection:
    """What a bulk rebuild needs of a connection: records copied into a table as they come."""

    def __init__(self) -> None:
        self.copied: dict[str, list[dict[str, Any]]] = {}

    async def copy_records_to_table(
        self, table: str, *, records: AsyncIterator[tuple[Any, ...]], columns: Sequence[str]
    ) -> None:
        rows = self.copied.setdefault(table, [])
        async for record in records:
            rows.append(dict(zip(columns, record, strict=True)))


def stored(
    tenant_id: str,
    stream_id: str,
    version: int,
    event_type: str,
    payload: dict[str, Any],
    v: int = 1,
) -> tuple[Any, ...]:
    """A row as `EventStore.read_stored` hands it over: the payload as stored JSON text."""
    return (tenant_id, stream_id, version, event_type, v, msgspec.json.encode(payload).decode())


async def chunks(*rows: Sequence[tuple[Any, ...]]) -> AsyncIterator[Sequence[tuple[Any, ...]]]:
    for chunk in rows:
        yield chunk


def created(project_id: str, name: str) -> dict[str, Any]:
    return {"projectId": project_id, "folderId": "F1", "projectName": name, "description": "d"}


async def test_each_stream_is_folded_across_chunks_into_one_row() -> None:
    """Two tenants' projects, stream by stream (a creation, a v1 rename, an archive and an
    unarchive; a creation and an archive), a stream split over two chunks, give one row per
    project as the projects' own fold leaves it."""
    conn = CopyingConnection()
    renamed = {"projectId": "P1", "projectName": "uno", "previousName": "one"}
    first = [
        stored("T1", "P1", 1, "project-created", created("P1", "one")),
        stored("T1", "P1", 2, "project-renamed", renamed),
        stored("T1", "P1", 3, "project-archived", {"projectId": "P1"}),
    ]
    second = [
        stored("T1", "P1", 4, "project-unarchived", {"projectId": "P1"}),
        stored("T2", "P2", 1, "project-created", created("P2", "two")),
        stored("T2", "P2", 2, "project-archived", {"projectId": "P2"}),
    ]
    assert CATALOG.replay is not None

    applied = await CATALOG.replay(conn, chunks(first, second))

    row = {"folder_id": "F1", "description": "d"}
    assert 6 == applied
    assert {
        "projects": [
            {"tenant_id": "T1", "project_id": "P1", "name": "uno", "archived": False, "version": 4}
            | row,
            {"tenant_id": "T2", "project_id": "P2", "name": "two", "archived": True, "version": 2}
            | row,
        ]
    } == conn.copied


async def test_a_creation_stored_before_descriptions_gets_the_empty_one() -> None:
    """A project-created without a description field decodes with its default."""
    conn = CopyingConnection()
    before = {"projectId": "P1", "folderId": "F1", "projectName": "old"}
    assert CATALOG.replay is not None

    await CATALOG.replay(conn, chunks([stored("T1", "P1", 1, "project-created", before)]))

    assert [""] == [r["description"] for r in conn.copied["projects"]]


def test_a_stored_payload_decodes_into_its_newest_shape() -> None:
    """A v2 payload is decoded as it is; a v1 one is upcast first: the same event."""
    types = EventTypes(MODULE.events)
    newest = b'{"projectId": "P1", "newName": "b", "previousName": "a"}'
    old = b'{"projectId": "P1", "projectName": "b", "previousName": "a"}'
    expected = ProjectRenamed(project_id="P1", new_name="b", previous_name="a")

    assert [expected, expected] == [
        types.stored_decoder("project-renamed", 2)(newest),
        types.stored_decoder("project-renamed", 1)(old),
    ]
