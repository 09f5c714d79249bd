"""create-service-account: an account for a program, holding one role at one folder.

A service account has no email and no password: it never logs in; it acts through its API
keys (create-api-key). Making one needs `service-accounts.create` at the folder, and the
role must be one a tenant may hand out (access's ROLES).
"""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.commands.assign_role import ROLES
from ossature.modules.access.errors import UnknownRole
from ossature.modules.identity.fields import CredentialId, CredentialName

__all__ = [
    "CreateServiceAccount",
    "CreateServiceAccountAnswer",
    "ServiceAccountCreated",
    "create_service_account",
    "decide_create_service_account",
    "folder_of_new_service_account",
]


class CreateServiceAccount(Payload, frozen=True):
    name: CredentialName
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    folder_id: CredentialId


class ServiceAccountCreated(Event, frozen=True):
    """The account and its role at its folder (the access module's assignments read it)."""

    name = "service-account-created"

    account_id: str
    display_name: str
    role: str
    folder_id: str


class CreateServiceAccountAnswer(TypedDict):
    serviceAccountId: str


def decide_create_service_account(account_id: str, cmd: CreateServiceAccount) -> list[Event]:
    """Only a role a tenant may hand out."""
    if cmd.role not in ROLES:
        raise UnknownRole({"role": cmd.role})
    created = ServiceAccountCreated(
        account_id=account_id, display_name=cmd.name, role=cmd.role, folder_id=cmd.folder_id
    )
    return [created]


async def create_service_account(
    ctx: Context, cmd: CreateServiceAccount, deps: Deps
) -> CreateServiceAccountAnswer:
    account_id = new_id()
    deps.uow.append("account", account_id, 0, decide_create_service_account(account_id, cmd))
    return {"serviceAccountId": account_id}


async def folder_of_new_service_account(ctx: Context, cmd: CreateServiceAccount, deps: Deps) -> str:
    """Making a service account at a folder needs the right to at that folder."""
    return cmd.folder_id
