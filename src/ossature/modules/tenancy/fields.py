"""Payload fields that several of the tenancy module's commands share."""

from typing import Annotated

import msgspec

__all__ = ["Name"]

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=r"\S")]
