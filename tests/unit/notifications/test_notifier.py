"""Pure parts of the notifier: staleness, delivery ids and subjects, the notification JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.messages import Envelope
from ossature.modules.notifications.message import Delivery, Entity, Notification
from ossature.modules.notifications.notifier import STALE_AFTER, is_stale
from ossature.modules.notifications.stream import notification_stream_config
from ossature.modules.notifications.topics import (
    DUPLICATE_WINDOW,
    is_subject_token,
    mqtt_topic,
    user_subject,
)
from tests.unit.support import TRACE

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def envelope(occurred_at: datetime) -> Envelope:
    return Envelope(
        event_id="E1",
        event_type="project-renamed",
        schema_version=1,
        stream_type="project",
        stream_id="P1",
        stream_version=2,
        tenant_id="T1",
        occurred_at=occurred_at,
        payload={},
        context=Context(access=None, trace=TRACE),
    )


def test_an_event_is_stale_once_a_repeat_could_escape_deduplication() -> None:
    """Fresh events are notified; past STALE_AFTER (inside the duplicate window) they are not."""
    assert (False, False, True) == (
        is_stale(envelope(NOW), NOW),
        is_stale(envelope(NOW - STALE_AFTER), NOW),
        is_stale(envelope(NOW - STALE_AFTER - timedelta(seconds=1)), NOW),
    )
    assert STALE_AFTER < timedelta(seconds=DUPLICATE_WINDOW)


def test_a_delivery_is_deduplicated_per_event_and_recipient() -> None:
    """Message id `<event>:<account>`; stored under notifications.<tenant>.<account>."""
    notification = Notification(
        message_key="notifications.project-renamed",
        params={"projectName": "New"},
        entity=Entity(type="project", id="P1"),
        event_id="E1",
        event_type="project-renamed",
        occurred_at=NOW,
        actor_id="U0",
        trace=TRACE,
    )
    delivery = Delivery("T1", "U1", notification)
    assert ("E1:U1", "notifications.T1.U1") == (delivery.message_id, delivery.subject)


def test_the_notification_json_speaks_in_keys_and_ids() -> None:
    """camelCase JSON: message key and params, entity, event, actor and the causing trace."""
    notification = Notification(
        message_key="notifications.project-archived",
        params={"projectName": "Old"},
        entity=Entity(type="project", id="P1"),
        event_id="E1",
        event_type="project-archived",
        occurred_at=NOW,
        actor_id=None,
        trace=TRACE,
    )
    assert {
        "messageKey": "notifications.project-archived",
        "params": {"projectName": "Old"},
        "entity": {"type": "project", "id": "P1"},
        "eventId": "E1",
        "eventType": "project-archived",
        "occurredAt": "2026-11-23T12:00:00Z",
        "actorId": None,
        "trace": {
            "clientActionId": "A",
            "externalInvocationId": "X",
            "originatingTraceId": "T",
            "parentInvocationId": None,
            "invocationId": "I",
        },
    } == msgspec.json.decode(msgspec.json.encode(notification))


def test_the_stream_republishes_to_the_users_topic() -> None:
    """notifications.<t>.<a> is republished to tenants.<t>.users.<a>.notifications (MQTT slashes)."""
    config = notification_stream_config()
    assert (
        "notifications.*.*",
        "tenants.{{wildcard(1)}}.users.{{wildcard(2)}}.notifications",
        "tenants.T1.users.U1.notifications",
        "tenants/T1/users/U1/notifications",
    ) == (
        config.republish.src if config.republish else None,
        config.republish.dest if config.republish else None,
        user_subject("T1", "U1"),
        mqtt_topic("T1", "U1"),
    )


def test_only_plain_ids_can_stand_in_a_subject() -> None:
    """Dots, wildcards and spaces would change the subject's meaning: refused."""
    assert [True, True, False, False, False, False] == [
        is_subject_token(value)
        for value in ("01M84WGA9QSYJKHB8X8AMTZ82F", "t-abc_1", "a.b", "*", ">", "a b")
    ]
