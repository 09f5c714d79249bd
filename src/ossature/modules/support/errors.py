"""Errors of the support module."""

from ossature.kernel.errors import Conflict, DomainError, NotFound

__all__ = [
    "AlreadyReported",
    "AlreadyResolved",
    "InvestigationNotFound",
    "InvocationNotFound",
    "NotAFailure",
]


class InvestigationNotFound(NotFound):
    key = "support.not-found"


class InvocationNotFound(NotFound):
    """No invocation of the reporter's with this id (another actor's is not found either)."""

    key = "support.invocation-not-found"


class NotAFailure(DomainError):
    """The invocation did not fail unexpectedly (it succeeded, or was refused with a reason)."""

    key = "support.not-a-failure"
    status = 422


class AlreadyReported(Conflict):
    key = "support.already-reported"


class AlreadyResolved(Conflict):
    key = "support.already-resolved"
