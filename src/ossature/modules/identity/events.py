"""Events that several of the identity module's commands append; an event only one command
appends lives beside it, in its file."""

from __future__ import annotations

from ossature.kernel.messages import Event

__all__ = ["AccountRegistered", "EmailVerified", "PasswordSet", "SessionsEnded", "TokenUsed"]


class AccountRegistered(Event, frozen=True):
    """register-account's, and invite-account's (then with no password yet)."""

    name = "account-registered"

    account_id: str
    email: str
    display_name: str
    locale: str


class PasswordSet(Event, frozen=True):
    """The hash only: register-account, accept-invitation, reset-password, change-password."""

    name = "password-set"

    account_id: str
    password_hash: str


class EmailVerified(Event, frozen=True):
    """The account's owner proved the address: accept-invitation, verify-email."""

    name = "email-verified"

    account_id: str
    email: str


class SessionsEnded(Event, frozen=True):
    """Every open session of the account ends but `kept_session_id` (the caller's, after
    change-password): reset-password, change-password."""

    name = "sessions-ended"

    account_id: str
    kept_session_id: str | None = None


class TokenUsed(Event, frozen=True):
    """A one-time token's stream ends: accept-invitation, verify-email, reset-password."""

    name = "token-used"

    token_id: str
    account_id: str
