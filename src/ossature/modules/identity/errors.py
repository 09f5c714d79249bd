"""Errors of the identity module."""

from ossature.kernel.context import Actor
from ossature.kernel.errors import (
    Conflict,
    Denied,
    DomainError,
    InvalidPayload,
    NotFound,
    Unauthenticated,
)

__all__ = [
    "AccountNotFound",
    "CannotDeactivateSelf",
    "CannotForgetServiceAccount",
    "CannotImpersonate",
    "CredentialNotFound",
    "CredentialRefused",
    "EmailAlreadyVerified",
    "EmailInvalid",
    "EmailTaken",
    "InvalidCredentials",
    "InvalidExpiry",
    "LocaleUnsupported",
    "MfaEnrollmentRequired",
    "MfaTokenInvalid",
    "MfaTokenUsed",
    "NotAServiceAccount",
    "OneCodeRequired",
    "SessionEnded",
    "SessionRequired",
    "TenantUnknown",
    "TokenExpired",
    "TokenInvalid",
    "TokenUsed",
    "TooManyAttempts",
    "TotpAlreadyOn",
    "TotpNotEnrolled",
    "TotpNotOn",
    "WrongCode",
    "WrongCurrentPassword",
    "WrongLogInCode",
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


class InvalidExpiry(InvalidPayload):
    key = "identity.invalid-expiry"


class LocaleUnsupported(InvalidPayload):
    key = "identity.locale-unsupported"


class SessionRequired(Denied):
    """Tokens and keys are made in a session: a token never makes (or extends) another."""

    key = "identity.session-required"


class CredentialNotFound(NotFound):
    """No such token or key of the caller (another's is as unknown as a missing one)."""

    key = "identity.credential-not-found"


class NotAServiceAccount(NotFound):
    key = "identity.service-account-not-found"


def ended(actor: Actor | None) -> Unauthenticated:
    """The refusal of an invocation whose credential the guard found ended: a session's own,
    or for a token or a key the answer its authentication gives (no oracle)."""
    if actor is not None and actor.mechanism in ("personal-access-token", "api-key"):
        return CredentialRefused()
    return SessionEnded()


class TotpAlreadyOn(Conflict):
    key = "identity.totp-already-on"


class TotpNotEnrolled(Conflict):
    key = "identity.totp-not-enrolled"


class TotpNotOn(Conflict):
    key = "identity.totp-not-on"


class WrongCode(InvalidPayload):
    """A code that is not the account's now: wrong, outside the window or already used."""

    key = "identity.wrong-code"


class WrongLogInCode(Unauthenticated):
    """complete-log-in's wrong code: the log-in is not complete."""

    key = "identity.wrong-code"


class OneCodeRequired(InvalidPayload):
    key = "identity.one-code-required"


class MfaTokenInvalid(Unauthenticated):
    key = "identity.mfa-token-invalid"


class MfaTokenUsed(Unauthenticated):
    key = "identity.mfa-token-used"


class MfaEnrollmentRequired(Denied):
    key = "identity.mfa-enrollment-required"


class EmailInvalid(InvalidPayload):
    key = "identity.email-invalid"


class EmailAlreadyVerified(InvalidPayload):
    key = "identity.email-already-verified"
    status = 409


class TenantUnknown(NotFound):
    key = "identity.tenant-unknown"


class WrongCurrentPassword(InvalidPayload):
    key = "identity.wrong-current-password"


class TokenInvalid(InvalidPayload):
    """Malformed, wrong secret, another purpose, another tenant or unknown: one key for all,
    so that a token cannot be probed."""

    key = "identity.token-invalid"


class TokenExpired(DomainError):
    key = "identity.token-expired"
    status = 410


class TokenUsed(DomainError):
    key = "identity.token-used"
    status = 410


class TooManyAttempts(DomainError):
    """Log-ins locked for a while (decision 53): `retryAfter` seconds, also the Retry-After
    header. Not retryable at once: a client waits the time it is told."""

    key = "identity.too-many-attempts"
    status = 429


class AccountNotFound(NotFound):
    key = "identity.account-not-found"


class CannotDeactivateSelf(Conflict):
    key = "identity.cannot-deactivate-self"


class CannotForgetServiceAccount(Conflict):
    """A service account's name is no person's: there is nothing to forget (decision 95)."""

    key = "identity.cannot-forget-service-account"


class CannotImpersonate(Denied):
    """Impersonation from an impersonation, of a platform operator, or of a deactivated
    account."""

    key = "identity.cannot-impersonate"
