"""Events that several of the identity module's commands append; an event only one command
appends lives beside it, in its file."""

from __future__ import annotations

from typing import Any

from ossature.kernel.messages import Event

__all__ = [
    "AccountForgotten",
    "AccountRegistered",
    "EmailVerified",
    "PasswordSet",
    "SessionsEnded",
    "TokenUsed",
]


class AccountRegistered(Event, frozen=True):
    """register-account's, and invite-account's (then with no password yet). The email and
    the name are sealed with the account's key; `email_index` is the email's blind index, by
    which the account is found (decision 93). Events stored before it have none: the start-up
    step computes theirs into the read model."""

    name = "account-registered"
    personal = ("email", "display_name")

    account_id: str
    email: str
    display_name: str
    locale: str
    email_index: str | None = None


class PasswordSet(Event, frozen=True):
    """A password was set (register-account, accept-invitation, reset-password,
    change-password): the history only. Its hash is in `account_passwords`, never in an event
    (decision 94). Version 1 carried the hash: its upcaster drops it, should a copy from before
    migration 0095 be read."""

    name = "password-set"
    version = 2
    upcasters = {1: lambda payload: _without(payload, "passwordHash")}

    account_id: str


class EmailVerified(Event, frozen=True):
    """The account's owner proved the address: accept-invitation, verify-email."""

    name = "email-verified"
    personal = ("email",)

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


class AccountForgotten(Event, frozen=True):
    """forget-account's: the account's key was deleted, its personal values read FORGOTTEN
    (decision 95). No personal data. Here because the commands that take a one-time token
    read it too: a token issued before serves the account no more (`refuse_forgotten`)."""

    name = "account-forgotten"

    account_id: str


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in payload.items() if name != key}
