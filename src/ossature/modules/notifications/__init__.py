"""Notifications: server push over MQTT to every user who may see what changed.

The notifier turns events into notifications (modules declare them as `Notice`s); the
auth callout admits MQTT and NATS clients by their access token, to their own topic only.
"""

from pathlib import Path

from ossature.kernel.module import Module
from ossature.modules.notifications.callout import AuthCallout, Refused, sessions_in
from ossature.modules.notifications.message import Delivery, Entity, Notification
from ossature.modules.notifications.notifier import Notifier, is_stale
from ossature.modules.notifications.stream import ensure_notification_stream
from ossature.modules.notifications.topics import mqtt_topic, user_subject

__all__ = [
    "MODULE",
    "AuthCallout",
    "Delivery",
    "Entity",
    "Notification",
    "Notifier",
    "Refused",
    "ensure_notification_stream",
    "is_stale",
    "mqtt_topic",
    "sessions_in",
    "user_subject",
]

MODULE = Module(name="notifications", root=Path(__file__).parent, product=False)
