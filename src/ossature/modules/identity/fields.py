"""Payload fields that several of the identity module's commands share, and the one way an
email address is compared (decision 45)."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

import msgspec

from ossature.modules.identity.errors import EmailInvalid

__all__ = ["Code", "Email", "NewPassword", "OneTimeToken", "normalize_email"]

_ADDRESS = r"^[^@\s]+@[^@\s]+$"
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=_ADDRESS)]
NewPassword = Annotated[str, msgspec.Meta(min_length=12, max_length=1024)]
OneTimeToken = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


def normalize_email(email: str) -> str:
    """The address as stored and compared: NFKC, then lower case; plus-aliases kept.

    NFKC makes one string of the ways Unicode writes the same characters (a composed é or
    e + accent, fullwidth letters); lower case because every mail provider we know ignores
    case and users do not type it the same twice. `str.lower`, not `casefold`: casefold
    turns ß into ss, which would merge two mailboxes that can both exist. `a+x@b` stays
    distinct from `a@b`: only some providers read `+` as an alias, and B2B users keep
    aliases on purpose (decision 45). EmailInvalid when the result is no longer one
    address (NFKC turns a small `﹫` into `@`).
    """
    normal = unicodedata.normalize("NFKC", email).lower()
    if not re.fullmatch(_ADDRESS, normal) or len(normal) > 254:
        raise EmailInvalid()
    return normal


Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
"""A TOTP code (six digits) or, where one is accepted, a recovery code."""
