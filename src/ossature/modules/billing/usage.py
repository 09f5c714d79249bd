"""Usage roll-ups, pure: a folder's count holds every operation metered in it or below it
(France's count is in EU's and Global's too), and the span get-usage reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ossature.modules.billing.errors import UsageDateInvalid, UsageSpanInvalid

__all__ = ["MAX_SPAN", "FolderCount", "in_tree_order", "roll_up", "span_of"]

MAX_SPAN = timedelta(days=400)  # a year and its edges, in one statement's reach


@dataclass(frozen=True)
class FolderCount:
    """A folder of the tenant's tree and the operations metered in it alone."""

    folder_id: str
    name: str
    parent_id: str | None
    own: int


def roll_up(folders: Sequence[FolderCount]) -> dict[str, int]:
    """Each folder's count: its own and every descendant's. `folders` holds each folder's
    ancestors (a parent outside it is the top of what was read)."""
    totals = {folder.folder_id: folder.own for folder in folders}
    parents = {folder.folder_id: folder.parent_id for folder in folders}
    for folder in folders:
        parent = folder.parent_id
        while parent is not None and parent in totals:
            totals[parent] += folder.own
            parent = parents[parent]
    return totals


def in_tree_order(folders: Sequence[FolderCount]) -> list[FolderCount]:
    """The folders as a tree reads: each after its parent, siblings by name."""
    known = {folder.folder_id for folder in folders}
    children: dict[str | None, list[FolderCount]] = {}
    for folder in folders:
        parent = folder.parent_id if folder.parent_id in known else None
        children.setdefault(parent, []).append(folder)
    ordered: list[FolderCount] = []
    stack = sorted(children.get(None, []), key=_name, reverse=True)
    while stack:
        folder = stack.pop()
        ordered.append(folder)
        stack.extend(sorted(children.get(folder.folder_id, []), key=_name, reverse=True))
    return ordered


def _name(folder: FolderCount) -> tuple[str, str]:
    return (folder.name, folder.folder_id)


def span_of(start: str, end: str) -> tuple[datetime, datetime]:
    """[start, end) from ISO dates or datetimes (UTC unless they say otherwise);
    UsageDateInvalid for text that is neither, UsageSpanInvalid when the span is reversed
    or longer than MAX_SPAN."""
    begins, ends = _instant(start), _instant(end)
    if begins > ends or ends - begins > MAX_SPAN:
        raise UsageSpanInvalid({"from": start, "to": end, "days": MAX_SPAN.days})
    return begins, ends


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise UsageDateInvalid({"value": text}) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at
