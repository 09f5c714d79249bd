"""Payload fields that several of the identity module's commands share."""

from typing import Annotated

import msgspec

__all__ = ["Code", "Email"]

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
"""A TOTP code (six digits) or, where one is accepted, a recovery code."""
