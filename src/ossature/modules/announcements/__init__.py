"""Announcements: the changelog ("What's new") every user of every tenant reads.

This table is the module: its commands (one file each under `commands/`), queries, event
types, projections and notices. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.module import Anyone, AnyScope, CommandSpec, Module, QuerySpec
from ossature.modules.announcements.commands import publish_announcement
from ossature.modules.announcements.projections import changelog
from ossature.modules.announcements.queries import ListAnnouncements, list_announcements
from ossature.modules.announcements.state import AnnouncementEvent

__all__ = ["MODULE"]

EVENTS: list[type[AnnouncementEvent]] = [publish_announcement.AnnouncementPublished]

MODULE = Module(
    name="announcements",
    commands=[
        CommandSpec(
            "publish-announcement",
            publish_announcement.PublishAnnouncement,
            publish_announcement.publish_announcement,
            AnyScope("platform.announce"),
        ),
    ],
    queries=[
        QuerySpec("list-announcements", ListAnnouncements, list_announcements, Anyone()),
    ],
    events=EVENTS,
    projections=[changelog(EVENTS)],
    notices=[publish_announcement.NOTICE],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)
