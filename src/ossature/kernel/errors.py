"""Errors with a stable message key. Only the gateway turns them into HTTP."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ConcurrencyConflict",
    "Conflict",
    "Denied",
    "DomainError",
    "Internal",
    "InvalidPayload",
    "NotFound",
    "PayloadTooLarge",
    "Unauthenticated",
    "Unavailable",
]


class DomainError(Exception):
    """An expected failure: a message key, its parameters, an HTTP status, and whether a retry may help."""

    key: str = "errors.invalid"
    status: int = 422
    retryable: bool = False

    def __init__(self, params: Mapping[str, object] | None = None, *, key: str | None = None):
        self.params: dict[str, object] = dict(params or {})
        if key is not None:
            self.key = key
        super().__init__(self.key)


class InvalidPayload(DomainError):
    key = "errors.invalid-payload"
    status = 422


class Unauthenticated(DomainError):
    key = "errors.unauthenticated"
    status = 401


class Denied(DomainError):
    key = "errors.denied"
    status = 403


class NotFound(DomainError):
    key = "errors.not-found"
    status = 404


class Conflict(DomainError):
    """The request contradicts the entity's current state (archived, already done, ...)."""

    key = "errors.conflict"
    status = 409


class ConcurrencyConflict(Conflict):
    key = "errors.concurrency-conflict"
    retryable = True


class PayloadTooLarge(DomainError):
    key = "errors.payload-too-large"
    status = 413


class Unavailable(DomainError):
    key = "errors.unavailable"
    status = 503
    retryable = True


class Internal(DomainError):
    """An unexpected failure; the details are in the log line with the same invocation id."""

    key = "errors.internal"
    status = 500
    retryable = True
