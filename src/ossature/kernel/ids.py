"""Identifiers: ULIDs as 26-character strings."""

from ulid import ULID

__all__ = ["is_ulid", "new_id"]


def new_id() -> str:
    """A new ULID, sortable by creation time."""
    return str(ULID())


def is_ulid(value: str) -> bool:
    """True when `value` parses as a ULID."""
    try:
        ULID.from_str(value)
    except (ValueError, TypeError):
        return False
    return True
