"""Errors of the tenancy module."""

from ossature.kernel.errors import ConcurrencyConflict, Denied, InvalidPayload, NotFound

__all__ = [
    "FolderNameTaken",
    "FolderNotFound",
    "InvalidIpRange",
    "IpNotAllowed",
    "PolicyExcludesCaller",
    "TenantNotFound",
    "TenantRequired",
    "TenantSlugTaken",
    "UnknownEntryPoint",
    "UnknownPlan",
    "WrongEntryPoint",
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


class UnknownEntryPoint(NotFound):
    """A host `<slug>.<root domain>` whose slug names no tenant."""

    key = "tenancy.unknown-entry-point"


class WrongEntryPoint(Denied):
    """A token (or a named tenant) of another tenant than the entry point's."""

    key = "tenancy.wrong-entry-point"


class TenantRequired(InvalidPayload):
    """A public command that names no tenant, outside any tenant's entry point."""

    key = "tenancy.tenant-required"


class TenantNotFound(NotFound):
    """A platform operator's command names a tenant that does not exist."""

    key = "tenancy.tenant-not-found"


class UnknownPlan(InvalidPayload):
    """A plan the catalog (plans.toml) does not hold."""

    key = "tenancy.unknown-plan"
