"""Errors of the identity module."""

from ossature.kernel.errors import InvalidPayload, Unauthenticated

__all__ = ["EmailTaken", "InvalidCredentials", "SessionEnded"]


class InvalidCredentials(Unauthenticated):
    key = "identity.invalid-credentials"


class SessionEnded(Unauthenticated):
    key = "identity.session-ended"


class EmailTaken(InvalidPayload):
    key = "identity.email-taken"
    status = 409
