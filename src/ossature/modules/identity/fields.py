"""Payload fields that several of the identity module's commands share, and the one way an
email address is compared (decision 45)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated

import msgspec

from ossature.kernel.sensitive import Personal, Secret, reveal
from ossature.modules.identity._credentials import LONGEST_LIFETIME, expiry_problem
from ossature.modules.identity.errors import EmailInvalid, InvalidExpiry

__all__ = [
    "Code",
    "CredentialId",
    "CredentialName",
    "DisplayName",
    "Email",
    "ExpiresAt",
    "MfaToken",
    "NewPassword",
    "OneTimeToken",
    "Password",
    "RefreshToken",
    "checked_expiry",
    "normalize_email",
]

_ADDRESS = r"^[^@\s]+@[^@\s]+$"


class Email(Personal[str]):
    meta = msgspec.Meta(min_length=3, max_length=254, pattern=_ADDRESS)


class DisplayName(Personal[str]):
    """A person's name, as they write it."""

    meta = msgspec.Meta(min_length=1, max_length=120)


class Password(Secret[str]):
    """A password as typed to prove it (its length is checked when it is set)."""

    meta = msgspec.Meta(min_length=1, max_length=1024)


class NewPassword(Secret[str]):
    meta = msgspec.Meta(min_length=12, max_length=1024)


class OneTimeToken(Secret[str]):
    meta = msgspec.Meta(min_length=1, max_length=200)


class RefreshToken(Secret[str]):
    meta = msgspec.Meta(min_length=1, max_length=200)


class MfaToken(Secret[str]):
    """The short-lived token a first log-in step answers when a second one is needed."""

    meta = msgspec.Meta(min_length=1, max_length=4096)


def normalize_email(email: Email | str) -> str:
    """The address as stored and compared: NFKC, then lower case; plus-aliases kept.

    NFKC makes one string of the ways Unicode writes the same characters (a composed é or
    e + accent, fullwidth letters); lower case because every mail provider we know ignores
    case and users do not type it the same twice. `str.lower`, not `casefold`: casefold
    turns ß into ss, which would merge two mailboxes that can both exist. `a+x@b` stays
    distinct from `a@b`: only some providers read `+` as an alias, and B2B users keep
    aliases on purpose (decision 45). EmailInvalid when the result is no longer one
    address (NFKC turns a small `﹫` into `@`).
    """
    normal = unicodedata.normalize("NFKC", reveal(email)).lower()
    if not re.fullmatch(_ADDRESS, normal) or len(normal) > 254:
        raise EmailInvalid()
    return normal


class Code(Secret[str]):
    """A TOTP code (six digits) or, where one is accepted, a recovery code."""

    meta = msgspec.Meta(min_length=1, max_length=64)


CredentialName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
"""What a personal access token or an API key is for, as its owner names it."""

CredentialId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]

ExpiresAt = Annotated[int, msgspec.Meta(ge=0, le=2**40)]
"""When a token or a key stops working, in unix seconds."""


def checked_expiry(expires_at: int, now: datetime) -> int:
    """`expires_at` if it is in the future and at most a year ahead; InvalidExpiry otherwise."""
    problem = expiry_problem(expires_at, int(now.timestamp()))
    if problem is not None:
        raise InvalidExpiry({"reason": problem, "longestDays": LONGEST_LIFETIME // 86400})
    return expires_at
