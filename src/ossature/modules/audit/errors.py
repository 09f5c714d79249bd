"""Errors of the audit module."""

from ossature.kernel.errors import InvalidPayload, NotFound

__all__ = ["BadCursor", "BadDateRange", "EntryNotFound"]


class BadCursor(InvalidPayload):
    """A cursor this query did not answer (edited, or cut short)."""

    key = "audit.bad-cursor"


class BadDateRange(InvalidPayload):
    key = "audit.bad-date-range"


class EntryNotFound(NotFound):
    """No such entry, or one the actor may not read: both answer the same."""

    key = "audit.entry-not-found"
