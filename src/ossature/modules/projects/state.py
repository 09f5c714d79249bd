"""A project's state, folded from its events. Pure: no I/O, no clock, no ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ossature.kernel.messages import Envelope

__all__ = ["Project", "evolve", "replay"]


@dataclass(frozen=True)
class Project:
    project_id: str
    folder_id: str
    name: str
    archived: bool
    version: int

    def as_json(self) -> dict[str, object]:
        return {
            "projectId": self.project_id,
            "name": self.name,
            "folderId": self.folder_id,
            "version": self.version,
            "archived": self.archived,
        }


def evolve(state: Project | None, envelope: Envelope) -> Project | None:
    """The state after one event."""
    p = envelope.payload
    if envelope.event_type == "project-created":
        return Project(p["projectId"], p["folderId"], p["projectName"], False, 1)
    if state is None:
        return None
    if envelope.event_type == "project-renamed":
        return replace(state, name=p["projectName"], version=envelope.stream_version)
    if envelope.event_type == "project-archived":
        return replace(state, archived=True, version=envelope.stream_version)
    return replace(state, version=envelope.stream_version)


def replay(envelopes: Iterable[Envelope]) -> Project | None:
    """The state after every event of a stream."""
    state: Project | None = None
    for envelope in envelopes:
        state = evolve(state, envelope)
    return state
