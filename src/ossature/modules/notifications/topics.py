"""Where notifications travel: the stream that deduplicates them and the topics users read."""

from __future__ import annotations

import re

__all__ = [
    "BROADCAST_STREAM",
    "BROADCAST_SUBJECTS",
    "BROADCAST_TOPICS",
    "DUPLICATE_WINDOW",
    "NOTIFICATION_STREAM",
    "STREAM_SUBJECTS",
    "USER_TOPICS",
    "broadcast_subject",
    "is_subject_token",
    "mqtt_topic",
    "stream_subject",
    "user_subject",
]

NOTIFICATION_STREAM = "OSSATURE_NOTIFICATIONS"
STREAM_SUBJECTS = "notifications.>"
USER_TOPICS = "tenants.*.users.*.notifications"
# Topics every admitted user reads, one message for all (not one per account): the stream
# OSSATURE_BROADCASTS stores `broadcasts.<topic>` once and republishes it to `<topic>`.
BROADCAST_STREAM = "OSSATURE_BROADCASTS"
BROADCAST_SUBJECTS = "broadcasts.*"
BROADCAST_TOPICS = ("announcements",)
DUPLICATE_WINDOW = 20 * 60  # seconds; the notifier never publishes what is older (see notifier.py)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def stream_subject(tenant_id: str, account_id: str) -> str:
    """The subject a notification is stored under; the stream republishes it to `user_subject`."""
    return f"notifications.{tenant_id}.{account_id}"


def broadcast_subject(topic: str) -> str:
    """The subject a broadcast is stored under; the stream republishes it to `topic`."""
    return f"broadcasts.{topic}"


def user_subject(tenant_id: str, account_id: str) -> str:
    """The NATS subject of one user's notifications."""
    return f"tenants.{tenant_id}.users.{account_id}.notifications"


def mqtt_topic(tenant_id: str, account_id: str) -> str:
    """The MQTT topic of one user's notifications (the same subject, with slashes)."""
    return user_subject(tenant_id, account_id).replace(".", "/")


def is_subject_token(value: str) -> bool:
    """True when `value` can stand as one token of a subject (no dot, wildcard or space)."""
    return bool(_TOKEN.match(value))
