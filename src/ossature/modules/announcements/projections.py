"""The changelog's read model: one row per announcement, its state as its events fold it.

Inline: an entry is listed once publish-announcement answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ossature.kernel.projection import Projection, folded_rows
from ossature.modules.announcements.state import Announcement, AnnouncementEvent

__all__ = ["changelog"]


def changelog(events: Sequence[type[AnnouncementEvent]]) -> Projection:
    """The read model of the announcements whose streams hold `events`."""
    rows = folded_rows("announcements", "announcements", Announcement, events)
    return dataclasses.replace(rows, inline=True)
