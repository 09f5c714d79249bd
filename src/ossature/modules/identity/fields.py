"""Payload fields that several of the identity module's commands share."""

from typing import Annotated

import msgspec

__all__ = ["Email"]

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
