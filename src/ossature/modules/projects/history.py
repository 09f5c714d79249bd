"""A project's history as users read it, pure: what each event changed, matched and paged.

The history is read from the project's stream (always current, by its primary key); each
event is folded with its own `evolve`, and the fields that differ before and after it are
what it changed. A search text keeps the entries whose actor's name, event type or a changed
value holds it (case-insensitive). Decision 60 says why this is cheap enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypedDict

from ossature.kernel.messages import Envelope, Event, fold
from ossature.modules.projects.state import Project, ProjectEvent, ProjectView

__all__ = ["Change", "HistoryEntry", "Page", "entries_of", "matching", "page_of"]

_COMPARED = ("name", "folderId", "archived")


class Change(TypedDict):
    """One field of the project before and after an event (before is None at creation)."""

    field: str
    before: str | bool | None
    after: str | bool


class HistoryEntry(TypedDict):
    eventId: str
    eventType: str
    version: int
    occurredAt: str
    actorId: str | None
    actorName: str | None
    invocationId: str
    traceId: str
    changes: list[Change]
    data: dict[str, Any]


class Page(TypedDict):
    entries: list[HistoryEntry]
    next: int | None


def entries_of(
    envelopes: Sequence[Envelope], events: Sequence[Event], names: Mapping[str, str]
) -> list[HistoryEntry]:
    """Every event of the stream as an entry, oldest first; `names` are the actors' names."""
    entries: list[HistoryEntry] = []
    project = Project()
    for envelope, event in zip(envelopes, events, strict=True):
        after = fold(project, [event], ProjectEvent)
        actor = envelope.context.access.account_id if envelope.context.access else None
        entries.append(
            {
                "eventId": envelope.event_id,
                "eventType": envelope.event_type,
                "version": envelope.stream_version,
                "occurredAt": envelope.occurred_at.isoformat(),
                "actorId": actor,
                "actorName": names.get(actor) if actor else None,
                "invocationId": envelope.context.trace.invocation_id,
                "traceId": envelope.context.trace.originating_trace_id,
                "changes": _changes(project, after),
                "data": envelope.payload,
            }
        )
        project = after
    return entries


def _changes(before: Project, after: Project) -> list[Change]:
    was, now = _compared(before.as_json()), _compared(after.as_json())
    created = not before.project_id
    return [
        {"field": field, "before": None if created else was[field], "after": now[field]}
        for field in _COMPARED
        if created or was[field] != now[field]
    ]


def _compared(view: ProjectView) -> dict[str, str | bool]:
    return {"name": view["name"], "folderId": view["folderId"], "archived": view["archived"]}


def matching(entries: Iterable[HistoryEntry], text: str | None) -> list[HistoryEntry]:
    """The entries whose actor's name, event type or a changed value holds `text`."""
    if not text or not text.strip():
        return list(entries)
    wanted = text.strip().casefold()
    return [entry for entry in entries if any(wanted in said for said in _said(entry))]


def _said(entry: HistoryEntry) -> list[str]:
    values = [entry["actorName"] or "", entry["eventType"]]
    for change in entry["changes"]:
        values += [str(change["before"]), str(change["after"])]
    return [value.casefold() for value in values]


def page_of(
    entries: Sequence[HistoryEntry], newest_first: bool, after: int | None, limit: int
) -> Page:
    """At most `limit` entries past the version `after` in the order asked; `next` is the
    version to pass as `after` for the following page (None on the last)."""
    ordered = list(reversed(entries)) if newest_first else list(entries)
    if after is not None:
        ordered = [e for e in ordered if _past(e["version"], after, newest_first)]
    page = ordered[:limit]
    more = len(ordered) > limit
    return {"entries": page, "next": page[-1]["version"] if more else None}


def _past(version: int, after: int, newest_first: bool) -> bool:
    return version < after if newest_first else version > after
