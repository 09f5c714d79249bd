"""Errors of the access module."""

from ossature.kernel.errors import InvalidPayload, NotFound

__all__ = ["AccountNotFound", "AssignmentNotFound", "UnknownRole"]


class UnknownRole(InvalidPayload):
    key = "access.unknown-role"


class AccountNotFound(NotFound):
    key = "access.account-not-found"


class AssignmentNotFound(NotFound):
    key = "access.assignment-not-found"
