"""The Python client for Ossature: one surface, over the network or in this process.

async with Client("http://127.0.0.1:8000") as client:       # a server, over HTTP
    ...
async with Client(InProcess(gateway_of(system))) as client:     # a gateway in this process
    ...
"""

from ossature.sdk._backends import ASGIApp, Backend, Http, InProcess
from ossature.sdk._client import Client
from ossature.sdk._errors import (
    Conflict,
    Denied,
    InvalidRequest,
    MfaRequired,
    NotFound,
    OssatureError,
    ServerError,
    Unauthenticated,
    Unavailable,
    Unreachable,
    backoff_delay,
    error_from_problem,
    should_retry,
)
from ossature.sdk._push import Notification, Subscription, TokenProvider, token_claims
from ossature.sdk._types import (
    CallOptions,
    Invocation,
    Json,
    Outcome,
    Session,
    new_ulid,
)

__all__ = [
    "ASGIApp",
    "Backend",
    "CallOptions",
    "Client",
    "Conflict",
    "Denied",
    "Http",
    "InProcess",
    "InvalidRequest",
    "Invocation",
    "Json",
    "MfaRequired",
    "NotFound",
    "Notification",
    "OssatureError",
    "Outcome",
    "ServerError",
    "Session",
    "Subscription",
    "TokenProvider",
    "Unauthenticated",
    "Unavailable",
    "Unreachable",
    "backoff_delay",
    "error_from_problem",
    "new_ulid",
    "should_retry",
    "token_claims",
]
