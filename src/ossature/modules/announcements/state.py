"""An announcement's state, folded from its events. Pure: no I/O, no clock, no ids.

An announcement is an entry of the changelog every user of every tenant reads: a title and
a body per locale (English always), an optional link, published by the platform's operator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.messages import Event, UnknownEvent, fold

__all__ = [
    "Announcement",
    "AnnouncementEvent",
    "AnnouncementView",
    "Body",
    "Title",
    "replay",
]

_TitleText = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
_BodyText = Annotated[str, msgspec.Meta(min_length=1, max_length=10000, pattern=r"\S")]


class Title(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """A title in each locale: English always, French and Arabic when given."""

    en: _TitleText
    fr: _TitleText | None = None
    ar: _TitleText | None = None


class Body(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """A body in each locale: English always, French and Arabic when given."""

    en: _BodyText
    fr: _BodyText | None = None
    ar: _BodyText | None = None


class AnnouncementView(TypedDict):
    """An announcement as queries answer it: texts by locale."""

    announcementId: str
    title: dict[str, str]
    body: dict[str, str]
    link: str | None
    publishedAt: str
    version: int


@dataclass(frozen=True)
class Announcement:
    """An announcement as its stream tells it (and a row of `announcements`); version 0 when
    the stream does not exist."""

    announcement_id: str = ""
    title: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)
    link: str | None = None
    published_at: datetime | None = None
    published_by: str = ""
    version: int = 0

    def as_json(self) -> AnnouncementView:
        return {
            "announcementId": self.announcement_id,
            "title": dict(self.title),
            "body": dict(self.body),
            "link": self.link,
            "publishedAt": self.published_at.isoformat() if self.published_at else "",
            "version": self.version,
        }


class AnnouncementEvent(Event, frozen=True):
    """An event of an announcement's stream. Each type defines `evolve`; one that does not is
    unknown to an announcement, and folding it raises."""

    def evolve(self, announcement: Announcement) -> Announcement:
        """The announcement after this event."""
        raise UnknownEvent(self.name, "an announcement's state")


def replay(events: Iterable[Event], version: int) -> Announcement:
    """The announcement after every event of its stream, up to `version`."""
    return replace(fold(Announcement(), events, AnnouncementEvent), version=version)
