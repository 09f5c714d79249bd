"""Errors of the identity module."""

from ossature.kernel.context import Actor
from ossature.kernel.errors import InvalidPayload, Unauthenticated

__all__ = [
    "CredentialRefused",
    "EmailTaken",
    "InvalidCredentials",
    "SessionEnded",
    "ended",
]


class InvalidCredentials(Unauthenticated):
    key = "identity.invalid-credentials"


class SessionEnded(Unauthenticated):
    key = "identity.session-ended"


class CredentialRefused(Unauthenticated):
    """A personal access token or an API key that is malformed, unknown, revoked or expired:
    one answer for each, so that the answer tells an attacker nothing (decision 48)."""

    key = "identity.credential-refused"


class EmailTaken(InvalidPayload):
    key = "identity.email-taken"
    status = 409


def ended(actor: Actor | None) -> Unauthenticated:
    """The refusal of an invocation whose credential the guard found ended: a session's own,
    or for a token or a key the answer its authentication gives (no oracle)."""
    if actor is not None and actor.mechanism in ("personal-access-token", "api-key"):
        return CredentialRefused()
    return SessionEnded()
