"""accept-invitation (public): the invited owner sets a password; the role is theirs and
their email verified, once.

The token names its tenant: the command confines itself there before reading (decision 47).
The role is assigned as assign-role does it: access's `role-assigned` on the account's
stream, so the next log-in puts it in the token.
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.access.commands.assign_role import RoleAssigned
from ossature.modules.identity._request import refuse_forgotten, take_token
from ossature.modules.identity.commands.invite_account import AccountInvited
from ossature.modules.identity.events import EmailVerified
from ossature.modules.identity.fields import NewPassword, OneTimeToken
from ossature.modules.identity.service import IdentityService

__all__ = ["AcceptInvitation", "AcceptInvitationAnswer", "accept_invitation"]


class AcceptInvitation(Payload, frozen=True):
    token: OneTimeToken
    password: NewPassword


class AcceptInvitationAnswer(TypedDict):
    accountId: str


async def accept_invitation(
    ctx: Context, cmd: AcceptInvitation, deps: Deps
) -> AcceptInvitationAnswer:
    account_id, invited = await take_token(ctx, deps, "invitation", cmd.token.reveal())
    assert isinstance(invited, AccountInvited)
    account = await deps.uow.load(account_id)
    refuse_forgotten(account)
    tenant_id = deps.uow.tenant_id
    assert tenant_id is not None
    password = await deps.get(IdentityService).set_password(
        deps, tenant_id, account_id, cmd.password.reveal()
    )
    deps.uow.append(
        "account",
        account_id,
        account.version,
        [
            password,
            EmailVerified(account_id=account_id, email=invited.email),  # sealed
            RoleAssigned(account_id=account_id, role=invited.role, folder_id=invited.folder_id),
        ],
    )
    return {"accountId": account_id}
