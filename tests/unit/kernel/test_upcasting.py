"""Stored events of an older version reach every reader in their type's newest shape."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from ossature.kernel.memory import InMemory
from ossature.kernel.messages import Envelope, Event, EventTypes, MissingUpcaster
from ossature.modules.projects import MODULE
from ossature.modules.projects.commands.rename_project import ProjectRenamed
from tests.unit.support import user_context


def _v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {"size": payload["size"] * 10}


def _v2_to_v3(payload: dict[str, Any]) -> dict[str, Any]:
    return {"sizeInMm": payload["size"]}


class Measured(Event, frozen=True):
    name = "thing-measured"
    version = 3
    upcasters = {1: _v1_to_v2, 2: _v2_to_v3}

    size_in_mm: int


class Unmeasured(Event, frozen=True):
    name = "thing-unmeasured"
    version = 2


def _stored(event_type: str, version: int, payload: dict[str, Any], **more: Any) -> Envelope:
    """An envelope as a store reads it back, its payload as the event was written then."""
    ctx = user_context("project-editor", "eu")
    fields: dict[str, Any] = {
        "stream_type": "thing",
        "stream_id": "s1",
        "stream_version": 1,
        "tenant_id": "acme",
    } | more
    return Envelope(
        event_id=f"e-{event_type}-{version}",
        event_type=event_type,
        schema_version=version,
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        payload=payload,
        context=ctx,
        **fields,
    )


def test_a_v1_payload_is_upcast_through_each_version_to_the_newest() -> None:
    """Each upcaster runs in turn, and the envelope then says the newest version."""
    upcast = EventTypes([Measured]).upcast(_stored("thing-measured", 1, {"size": 4}))
    assert ({"sizeInMm": 40}, 3) == (upcast.payload, upcast.schema_version)


def test_an_event_at_its_newest_version_is_the_same_envelope() -> None:
    """Nothing is copied when nothing needs upcasting: the reader's cost is one lookup."""
    types = EventTypes([Measured])
    newest = _stored("thing-measured", 3, {"sizeInMm": 40})
    other = _stored("thing-other", 1, {"x": 1})
    assert (True, True) == (types.upcast(newest) is newest, types.upcast(other) is other)


def test_a_type_at_version_2_without_its_upcaster_is_refused_at_once() -> None:
    """The application cannot start with a version it could not reach from stored events."""
    with pytest.raises(MissingUpcaster, match="thing-unmeasured"):
        EventTypes([Unmeasured])


def test_a_stored_v1_project_renamed_folds_and_reads_as_v2_in_memory() -> None:
    """The in-memory store upcasts as PostgreSQL's does: the fold sees `newName`."""
    memory = InMemory(MODULE)
    created = {"projectId": "p1", "folderId": "eu", "projectName": "Old"}
    renamed = {"projectId": "p1", "projectName": "New", "previousName": "Old"}
    memory.store.envelopes += [
        _stored("project-created", 1, created, stream_id="p1", stream_type="project"),
        _stored(
            "project-renamed", 1, renamed, stream_id="p1", stream_type="project", stream_version=2
        ),
    ]
    stream = memory.stream(user_context("project-editor", "eu"), "p1")
    expected = ProjectRenamed(project_id="p1", new_name="New", previous_name="Old")
    assert (expected, 2, "New") == (
        stream.events[1],
        stream.envelopes[1].schema_version,
        msgspec.convert(stream.envelopes[1].payload, ProjectRenamed).new_name,
    )
