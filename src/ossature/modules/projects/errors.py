"""Errors of the projects module."""

from ossature.kernel.errors import ConcurrencyConflict, InvalidPayload, NotFound

__all__ = ["ProjectArchived", "ProjectNotFound", "StaleProjectVersion"]


class ProjectNotFound(NotFound):
    key = "projects.not-found"


class ProjectArchived(InvalidPayload):
    key = "projects.archived"
    status = 409


class StaleProjectVersion(ConcurrencyConflict):
    key = "projects.stale-version"
    retryable = False
