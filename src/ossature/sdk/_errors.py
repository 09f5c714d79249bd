"""Problems answered by the server, as typed exceptions, and when retrying may help.

Every failure is an `OssatureError`; its class says what kind of failure it is (by the
problem's status) and its `message_key` says which one exactly (`projects.archived`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "NETWORK_STATUS",
    "Conflict",
    "Denied",
    "InvalidRequest",
    "MfaRequired",
    "NotFound",
    "OssatureError",
    "ServerError",
    "Unauthenticated",
    "Unavailable",
    "Unreachable",
    "backoff_delay",
    "error_class",
    "error_from_problem",
    "network_error",
    "should_retry",
]

NETWORK_STATUS = 0
UNEXPECTED_KEY = "errors.unexpected-response"
UNREACHABLE_KEY = "errors.unreachable"
# Statuses a proxy or an overloaded server may answer without a problem document.
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
MAX_BACKOFF = 2.0


class MfaRequired(Exception):
    """log-in's answer for an account with MFA on: no session yet; `complete_log_in` with
    this MFA token and a code opens it."""

    def __init__(self, mfa_token: str) -> None:
        super().__init__("mfa-required")
        self.mfa_token = mfa_token


class OssatureError(Exception):
    """A failed call: the problem's status, message key and parameters, and whether to retry."""

    def __init__(
        self,
        status: int,
        message_key: str,
        message_params: Mapping[str, Any] | None = None,
        *,
        invocation_id: str | None = None,
        retryable: bool = False,
        problem: Mapping[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.message_key = message_key
        self.message_params: dict[str, Any] = dict(message_params or {})
        self.invocation_id = invocation_id
        self.retryable = retryable
        self.problem: dict[str, Any] = dict(problem or {})
        super().__init__(f"{status} {message_key}")

    @property
    def retry_after(self) -> int | None:
        """Seconds to wait before trying again, when the server said (429 too many attempts)."""
        value = self.message_params.get("retryAfter")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def title(self) -> str:
        """The problem's human title, or the message key when the server sent none."""
        return str(self.problem.get("title") or self.message_key)


class Unreachable(OssatureError):
    """No answer at all (status 0): resend with the same idempotency key."""


class InvalidRequest(OssatureError):
    """The request was refused as it stands (400, 413, 422): a retry fails the same way."""


class Unauthenticated(OssatureError):
    """No valid token, or its session has ended (401): log in again."""


class Denied(OssatureError):
    """Authenticated, but not allowed to do this here (403)."""


class NotFound(OssatureError):
    """No such command, query or entity, or one of another tenant (404)."""


class Conflict(OssatureError):
    """The state moved on, or the name is taken (409)."""


class Unavailable(OssatureError):
    """Overloaded or not ready (429, 502, 503, 504): worth retrying later."""


class ServerError(OssatureError):
    """An unexpected failure (500 and others): the server's log has the invocation id."""


_KINDS: dict[int, type[OssatureError]] = {
    NETWORK_STATUS: Unreachable,
    400: InvalidRequest,
    401: Unauthenticated,
    403: Denied,
    404: NotFound,
    409: Conflict,
    413: InvalidRequest,
    422: InvalidRequest,
    **dict.fromkeys(TRANSIENT_STATUSES, Unavailable),
}


def error_class(status: int) -> type[OssatureError]:
    """The exception class for an answer with `status`."""
    return _KINDS.get(status) or (ServerError if status >= 500 else OssatureError)


def error_from_problem(
    status: int, problem: object, invocation_id: str | None = None
) -> OssatureError:
    """The error for a non-2xx answer; `problem` is its decoded body, whatever it was."""
    fields: Mapping[str, Any] = problem if isinstance(problem, Mapping) else {}
    return error_class(status)(
        status,
        _text(fields.get("messageKey")) or UNEXPECTED_KEY,
        _params(fields.get("messageParams")),
        invocation_id=_text(fields.get("invocationId")) or invocation_id,
        retryable=_retryable(status, fields.get("retryable")),
        problem=fields,
    )


def network_error(reason: str) -> OssatureError:
    """The error for a call that got no answer at all: always worth retrying with the same key."""
    return Unreachable(NETWORK_STATUS, UNREACHABLE_KEY, {"reason": reason}, retryable=True)


def should_retry(status: int, retryable: bool, attempt: int, retries: int) -> bool:
    """True when failed attempt `attempt` (0-based) may succeed if resent and retries remain."""
    if attempt >= retries:
        return False
    return retryable or status == NETWORK_STATUS


def backoff_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt `attempt`: doubling from 0.1, capped at 2."""
    return float(min(0.1 * 2**attempt, MAX_BACKOFF))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _params(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _retryable(status: int, declared: object) -> bool:
    if isinstance(declared, bool):
        return declared
    return status in TRANSIENT_STATUSES
