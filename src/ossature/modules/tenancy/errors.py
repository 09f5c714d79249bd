"""Errors of the tenancy module."""

from ossature.kernel.errors import ConcurrencyConflict, Denied, InvalidPayload, NotFound

__all__ = [
    "FolderNameTaken",
    "FolderNotFound",
    "InvalidIpRange",
    "IpNotAllowed",
    "PolicyExcludesCaller",
    "TenantSlugTaken",
]


class FolderNotFound(NotFound):
    key = "tenancy.folder-not-found"


class FolderNameTaken(InvalidPayload):
    key = "tenancy.folder-name-taken"


class TenantSlugTaken(ConcurrencyConflict):
    key = "tenancy.slug-taken"
    retryable = False


class InvalidIpRange(InvalidPayload):
    key = "tenancy.invalid-ip-range"


class PolicyExcludesCaller(InvalidPayload):
    """The ranges would refuse the administrator who sets them."""

    key = "tenancy.policy-excludes-caller"


class IpNotAllowed(Denied):
    key = "tenancy.ip-not-allowed"
