"""The rules of publish-announcement and the changelog's text filter: pure, no engines."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from ossature.kernel.errors import InvalidPayload
from ossature.kernel.module import typed_payload
from ossature.modules.announcements.commands.publish_announcement import (
    PublishAnnouncement,
    decide_publish,
)
from ossature.modules.announcements.queries import pattern_of
from ossature.modules.announcements.state import replay

NOW = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)


def test_an_entry_keeps_the_locales_given_trimmed() -> None:
    cmd = msgspec.convert(
        {"title": {"en": " New ", "ar": "جديد"}, "body": {"en": "Body"}, "link": "/changelog"},
        PublishAnnouncement,
    )
    published = replay([decide_publish("A1", cmd, "op", NOW)], 1)
    assert ({"en": "New", "ar": "جديد"}, {"en": "Body"}, "/changelog", "op") == (
        published.title,
        published.body,
        published.link,
        published.published_by,
    )


@pytest.mark.parametrize(
    "raw",
    [
        {"title": {"fr": "Nouveau"}, "body": {"en": "b"}},
        {"title": {"en": "t", "de": "Neu"}, "body": {"en": "b"}},
        {"title": {"en": "t"}, "body": {"en": "b"}, "link": "javascript:alert(1)"},
        {"title": {"en": "t"}, "body": {"en": "b"}, "link": "https://a.test/ x"},
    ],
)
def test_english_is_required_and_a_link_is_a_web_address_or_a_path(raw: dict[str, object]) -> None:
    with pytest.raises(InvalidPayload):
        typed_payload(PublishAnnouncement, raw)


def test_the_text_filter_takes_wildcards_literally() -> None:
    assert (None, "%100\\%\\_x%") == (pattern_of("  "), pattern_of(" 100%_x "))
