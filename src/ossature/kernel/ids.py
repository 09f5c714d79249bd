"""Identifiers: ULIDs as 26-character strings, and W3C trace ids."""

import secrets

from ulid import ULID

__all__ = ["is_ulid", "new_id", "new_trace_id"]


def new_id() -> str:
    """A new ULID, sortable by creation time."""
    return str(ULID())


def new_trace_id() -> str:
    """A new W3C trace id: 32 lowercase hex digits, never all zeros."""
    trace_id = secrets.token_hex(16)
    return trace_id if trace_id.strip("0") else new_trace_id()


def is_ulid(value: str) -> bool:
    """True when `value` parses as a ULID."""
    try:
        ULID.from_str(value)
    except (ValueError, TypeError):
        return False
    return True
