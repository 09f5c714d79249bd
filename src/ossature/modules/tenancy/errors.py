"""Errors of the tenancy module."""

from ossature.kernel.errors import ConcurrencyConflict, Denied, InvalidPayload, NotFound

__all__ = [
    "FeatureDisabled",
    "FolderNameTaken",
    "FolderNotFound",
    "InvalidFeatureValue",
    "InvalidIpRange",
    "IpNotAllowed",
    "ModuleDisabled",
    "PolicyExcludesCaller",
    "TenantNotFound",
    "TenantRequired",
    "TenantSlugTaken",
    "UnknownEntryPoint",
    "UnknownFeature",
    "UnknownModule",
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


class UnknownModule(InvalidPayload):
    """A module that is not a product module (the platform's own are always on)."""

    key = "tenancy.unknown-module"


class UnknownFeature(InvalidPayload):
    """A feature no module declares."""

    key = "tenancy.unknown-feature"


class InvalidFeatureValue(InvalidPayload):
    """A feature's value of another type than the one its module declares."""

    key = "tenancy.invalid-feature-value"


class ModuleDisabled(Denied):
    """A command or query of a product module the tenant does not have."""

    key = "tenancy.module-disabled"


class FeatureDisabled(Denied):
    """A command or query that needs a feature which is off for the tenant."""

    key = "tenancy.feature-disabled"
