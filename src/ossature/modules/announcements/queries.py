"""The changelog: every announcement, newest first, filtered by text and date, a page at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.announcements.state import Announcement, AnnouncementView

__all__ = ["ListAnnouncements", "ListAnnouncementsAnswer", "list_announcements"]

# One statement whatever the filters: the table is small (an operator's entries), and its
# index on published_at serves the order.
_LIST = """select announcement_id, title, body, link, published_at, published_by, version,
        count(*) over () as total
    from announcements
    where ($1::text is null or title::text ilike $1 or body::text ilike $1)
      and ($2::timestamptz is null or published_at >= $2)
      and ($3::timestamptz is null or published_at < $3)
    order by published_at desc, announcement_id desc
    limit $4 offset $5"""


class ListAnnouncements(Payload, frozen=True):
    text: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    since: date | None = None  # published on this day or later (UTC)
    until: date | None = None  # published on this day or earlier (UTC)
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
    offset: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0


class ListAnnouncementsAnswer(TypedDict):
    announcements: list[AnnouncementView]
    total: int


def pattern_of(text: str | None) -> str | None:
    """An ILIKE pattern finding `text` anywhere, its wildcards taken literally."""
    if text is None or not text.strip():
        return None
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _day(day: date | None, after: int = 0) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=after), time(), tzinfo=UTC)


async def list_announcements(
    ctx: Context, query: ListAnnouncements, deps: Deps
) -> ListAnnouncementsAnswer:
    """Every tenant's users read the one changelog (its rows are readable by all)."""
    args = (pattern_of(query.text), _day(query.since), _day(query.until, 1))
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_LIST, *args, query.limit, query.offset)
    total = rows[0]["total"] if rows else 0
    return {"announcements": [_announcement(row).as_json() for row in rows], "total": total}


def _announcement(row: Any) -> Announcement:
    return Announcement(
        row["announcement_id"],
        dict(row["title"]),
        dict(row["body"]),
        row["link"],
        row["published_at"],
        row["published_by"],
        row["version"],
    )
