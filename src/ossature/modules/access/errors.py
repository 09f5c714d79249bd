"""Errors of the access module."""

from ossature.kernel.errors import Denied, InvalidPayload, NotFound

__all__ = [
    "AccountNotFound",
    "AccountOnly",
    "AssignmentNotFound",
    "RequirementUnmet",
    "UnknownRole",
    "UnknownTermsVersion",
]


class UnknownRole(InvalidPayload):
    key = "access.unknown-role"


class AccountNotFound(NotFound):
    key = "access.account-not-found"


class AssignmentNotFound(NotFound):
    key = "access.assignment-not-found"


class RequirementUnmet(Denied):
    """messageParams: `requirements` (the unmet ids, joined for the text) and `unmet`, each
    with the entitlements that meet it (`satisfiedBy`) and the flow that gains one."""

    key = "access.requirement-unmet"


class UnknownTermsVersion(InvalidPayload):
    key = "access.unknown-terms-version"


class AccountOnly(Denied):
    """Accepting terms binds a person: their own account, not a service or an operator
    impersonating them."""

    key = "access.account-only"
