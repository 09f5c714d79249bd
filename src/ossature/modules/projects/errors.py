"""Errors of the projects module."""

from ossature.kernel.errors import ConcurrencyConflict, Conflict, NotFound

__all__ = ["ProjectIsArchived", "ProjectNotFound", "StaleProjectVersion"]


class ProjectNotFound(NotFound):
    key = "projects.not-found"


class ProjectIsArchived(Conflict):
    key = "projects.archived"


class StaleProjectVersion(ConcurrencyConflict):
    key = "projects.stale-version"
    retryable = False
