"""Events of the identity module. Credentials never travel in events: only their hash does."""

from ossature.kernel.messages import Event

__all__ = ["AccountRegistered", "PasswordSet", "UserLoggedIn", "UserLoggedOut"]


class AccountRegistered(Event, frozen=True):
    name = "account-registered"

    account_id: str
    email: str
    display_name: str
    locale: str


class PasswordSet(Event, frozen=True):
    name = "password-set"

    account_id: str
    password_hash: str


class UserLoggedIn(Event, frozen=True):
    name = "user-logged-in"

    account_id: str
    session_id: str
    expires_at: int


class UserLoggedOut(Event, frozen=True):
    name = "user-logged-out"

    account_id: str
    session_id: str
