"""publish-announcement: a new entry of the changelog, pushed to every connected user."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Envelope, Payload
from ossature.kernel.notice import Notice
from ossature.modules.announcements.state import Announcement, AnnouncementEvent, Body, Title

__all__ = [
    "NOTICE",
    "AnnouncementPublished",
    "PublishAnnouncement",
    "PublishAnnouncementAnswer",
    "decide_publish",
    "publish_announcement",
]

Link = Annotated[str, msgspec.Meta(max_length=500, pattern=r"^(https?://[^\s]+|/[^\s]*)$")]


class PublishAnnouncement(Payload, frozen=True):
    title: Title
    body: Body
    link: Link | None = None


class AnnouncementPublished(AnnouncementEvent, frozen=True):
    name = "announcement-published"

    announcement_id: str
    title: dict[str, str]
    body: dict[str, str]
    link: str | None
    published_at: datetime
    published_by: str

    def evolve(self, announcement: Announcement) -> Announcement:
        return Announcement(
            self.announcement_id,
            dict(self.title),
            dict(self.body),
            self.link,
            self.published_at,
            self.published_by,
        )


class PublishAnnouncementAnswer(TypedDict):
    announcementId: str


def decide_publish(
    announcement_id: str, cmd: PublishAnnouncement, operator_id: str, now: datetime
) -> AnnouncementPublished:
    """The entry, its texts trimmed, the locales not given left out."""
    return AnnouncementPublished(
        announcement_id=announcement_id,
        title={k: v.strip() for k, v in msgspec.structs.asdict(cmd.title).items() if v},
        body={k: v.strip() for k, v in msgspec.structs.asdict(cmd.body).items() if v},
        link=cmd.link,
        published_at=now,
        published_by=operator_id,
    )


async def publish_announcement(
    ctx: Context, cmd: PublishAnnouncement, deps: Deps
) -> PublishAnnouncementAnswer:
    assert ctx.access is not None
    announcement_id = new_id()
    event = decide_publish(announcement_id, cmd, ctx.access.account_id, deps.now)
    deps.uow.append("announcement", announcement_id, 0, [event])
    return {"announcementId": announcement_id}


def no_payload(envelope: Envelope) -> Mapping[str, Any]:
    """list-announcements needs nothing of the entry."""
    return {}


async def the_titles(envelope: Envelope, deps: Any) -> Mapping[str, Any]:
    """The English title as `title` (the key's parameter), every locale's in `titles`: a
    client shows its user's."""
    titles = envelope.payload["title"]
    return {"announcementId": envelope.stream_id, "title": titles["en"], "titles": titles}


NOTICE = Notice(
    AnnouncementPublished.name,
    "notifications.announcement-published",
    "list-announcements",
    no_payload,
    the_titles,
    broadcast="announcements",
)
