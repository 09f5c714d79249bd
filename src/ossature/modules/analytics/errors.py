"""Errors of the analytics module. None carries a source's location in its parameters."""

from ossature.kernel.errors import DomainError, InvalidPayload, NotFound, Unavailable

__all__ = [
    "BadSchedule",
    "LocationNotAllowed",
    "ReservedSourceName",
    "SourceMalformed",
    "SourceNotFound",
    "SourceUnreachable",
]


class LocationNotAllowed(InvalidPayload):
    """Outside the operator's allow-list, escaping it (`..`, symlinks), or not a location at all."""

    key = "analytics.location-not-allowed"


class BadSchedule(InvalidPayload):
    key = "analytics.bad-schedule"


class ReservedSourceName(InvalidPayload):
    key = "analytics.reserved-source-name"


class SourceNotFound(NotFound):
    key = "analytics.source-not-found"


class SourceUnreachable(Unavailable):
    """The copy could not be taken (missing file, refused connection, locked database)."""

    key = "analytics.source-unreachable"


class SourceMalformed(DomainError):
    """The copy was taken but holds no user table with an email and a last login."""

    key = "analytics.source-malformed"
    status = 502
    retryable = True
