"""The JetStream stream that stores each notification once and republishes it to its user."""

from __future__ import annotations

from typing import Any

from nats.js.api import RePublish, StorageType, StreamConfig

from ossature.modules.notifications.topics import (
    BROADCAST_STREAM,
    BROADCAST_SUBJECTS,
    DUPLICATE_WINDOW,
    NOTIFICATION_STREAM,
    STREAM_SUBJECTS,
)

__all__ = ["broadcast_stream_config", "ensure_notification_stream", "notification_stream_config"]


def notification_stream_config() -> StreamConfig:
    """`notifications.<tenant>.<account>`, deduplicated by Nats-Msg-Id, republished to the user.

    Republishing happens only for stored messages, so a repeat within the window
    reaches nobody. Messages are kept no longer than the window: the user topics are
    live, the stream is the deduplicator.
    """
    return StreamConfig(
        name=NOTIFICATION_STREAM,
        subjects=[STREAM_SUBJECTS],
        storage=StorageType.FILE,
        duplicate_window=float(DUPLICATE_WINDOW),
        max_age=float(DUPLICATE_WINDOW),
        republish=RePublish(
            src="notifications.*.*",
            dest="tenants.{{wildcard(1)}}.users.{{wildcard(2)}}.notifications",
        ),
    )


def broadcast_stream_config() -> StreamConfig:
    """`broadcasts.<topic>`, deduplicated by Nats-Msg-Id (the event id), republished to
    `<topic>`, which every admitted user may read (`announcements`)."""
    return StreamConfig(
        name=BROADCAST_STREAM,
        subjects=[BROADCAST_SUBJECTS],
        storage=StorageType.FILE,
        duplicate_window=float(DUPLICATE_WINDOW),
        max_age=float(DUPLICATE_WINDOW),
        republish=RePublish(src=BROADCAST_SUBJECTS, dest="{{wildcard(1)}}"),
    )


async def ensure_notification_stream(js: Any, replicas: int = 1) -> None:
    """Create (or update) the notification stream and the broadcast stream, on `replicas` nodes."""
    for config in (notification_stream_config(), broadcast_stream_config()):
        config.num_replicas = replicas
        try:
            await js.add_stream(config)
        except Exception:
            await js.update_stream(config)
