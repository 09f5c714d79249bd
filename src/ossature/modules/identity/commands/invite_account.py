"""invite-account: an account with no password yet, and an invitation mailed to its owner.

The invitation is a one-time token's stream (decision 47): its id is the token id, its
event carries what the mail and accept-invitation need, never the token's secret. Inviting
with a role is handing it out: the inviter needs `access.assign` at the folder as well as
`accounts.create` (the table's rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import Denied
from ossature.kernel.i18n import Locale
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.commands.assign_role import ROLES
from ossature.modules.access.errors import UnknownRole
from ossature.modules.identity._personal import seal_person
from ossature.modules.identity.errors import EmailTaken
from ossature.modules.identity.events import AccountRegistered
from ossature.modules.identity.fields import DisplayName, Email, normalize_email
from ossature.modules.identity.projections import account_by_email
from ossature.modules.identity.service import IdentityService

__all__ = [
    "AccountInvited",
    "InviteAccount",
    "InviteAccountAnswer",
    "Invitee",
    "check_invite",
    "decide_invite",
    "folder_of_invitation",
    "invite_account",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class InviteAccount(Payload, frozen=True):
    email: Email
    display_name: DisplayName
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    folder_id: Id
    locale: Locale = "en"


class AccountInvited(Event, frozen=True):
    """The invitation's stream opens (stream type `invitation`, id: the token id)."""

    name = "account-invited"
    personal = ("email", "display_name")

    token_id: str
    account_id: str
    email: str
    display_name: str
    locale: str
    role: str
    folder_id: str
    inviter_id: str


class InviteAccountAnswer(TypedDict):
    accountId: str
    invitationId: str


@dataclass(frozen=True)
class Invitee:
    """Who is invited, as the events keep them: the email and the name sealed with the new
    account's key, the email's blind index (decision 93)."""

    account_id: str
    email: str
    display_name: str
    email_index: str


def check_invite(cmd: InviteAccount, email: str, taken: bool) -> None:
    """A role a tenant hands out, to an address (`email`, plain, for the refusal) no account
    of the tenant has."""
    if cmd.role not in ROLES:
        raise UnknownRole({"role": cmd.role})
    if taken:
        raise EmailTaken({"email": email})


def decide_invite(
    cmd: InviteAccount, email: str, taken: bool, inviter_id: str, who: Invitee, token_id: str
) -> tuple[AccountRegistered, AccountInvited]:
    """The account registered without a password, and its invitation (see `check_invite`)."""
    check_invite(cmd, email, taken)
    registered = AccountRegistered(
        account_id=who.account_id,
        email=who.email,
        display_name=who.display_name,
        locale=cmd.locale,
        email_index=who.email_index,
    )
    invited = AccountInvited(
        token_id=token_id,
        account_id=who.account_id,
        email=who.email,
        display_name=who.display_name,
        locale=cmd.locale,
        role=cmd.role,
        folder_id=cmd.folder_id,
        inviter_id=inviter_id,
    )
    return registered, invited


async def invite_account(ctx: Context, cmd: InviteAccount, deps: Deps) -> InviteAccountAnswer:
    assert ctx.access is not None
    if "access.assign" not in await deps.access.actions_at(ctx, cmd.folder_id):
        raise Denied({"action": "access.assign"})
    assert ctx.tenant_id is not None
    tenant_id, email = ctx.tenant_id, normalize_email(cmd.email.reveal())
    index = deps.get(IdentityService).email_index(tenant_id, email)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        taken = await account_by_email(conn, index) is not None
    account_id, token_id = new_id(), new_id()
    check_invite(cmd, email, taken)  # refused before a key is made for no account
    sealed = await seal_person(deps, tenant_id, account_id, email, cmd.display_name.reveal())
    who = Invitee(account_id, sealed[0], sealed[1], index)
    registered, invited = decide_invite(cmd, email, taken, ctx.access.account_id, who, token_id)
    deps.uow.append("account", account_id, 0, [registered])
    deps.uow.append("invitation", token_id, 0, [invited])
    return {"accountId": account_id, "invitationId": token_id}


async def folder_of_invitation(ctx: Context, cmd: InviteAccount, deps: Deps) -> str:
    """Inviting at a folder needs the right to create accounts there."""
    return cmd.folder_id
