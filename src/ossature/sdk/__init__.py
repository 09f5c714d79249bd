"""The Python client for an Ossature server."""

from ossature.sdk._client import Client
from ossature.sdk._errors import OssatureError, backoff_delay, error_from_problem, should_retry
from ossature.sdk._push import Notification, Subscription, TokenProvider
from ossature.sdk._types import (
    CallOptions,
    Invocation,
    Json,
    Outcome,
    Session,
    new_ulid,
)

__all__ = [
    "CallOptions",
    "Client",
    "Invocation",
    "Json",
    "Notification",
    "OssatureError",
    "Outcome",
    "Session",
    "Subscription",
    "TokenProvider",
    "backoff_delay",
    "error_from_problem",
    "new_ulid",
    "should_retry",
]
