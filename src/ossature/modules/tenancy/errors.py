"""Errors of the tenancy module."""

from ossature.kernel.errors import ConcurrencyConflict, InvalidPayload, NotFound

__all__ = ["FolderNameTaken", "FolderNotFound", "TenantSlugTaken"]


class FolderNotFound(NotFound):
    key = "tenancy.folder-not-found"


class FolderNameTaken(InvalidPayload):
    key = "tenancy.folder-name-taken"


class TenantSlugTaken(ConcurrencyConflict):
    key = "tenancy.slug-taken"
    retryable = False
