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
from ossature.modules.identity._one_time import OneTimeTokens, check_use, issued
from ossature.modules.identity._request import tenant_of_request
from ossature.modules.identity.commands.invite_account import AccountInvited
from ossature.modules.identity.events import EmailVerified, PasswordSet, TokenUsed
from ossature.modules.identity.fields import NewPassword, OneTimeToken
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.perimeter import admit_public

__all__ = ["AcceptInvitation", "AcceptInvitationAnswer", "accept_invitation"]


class AcceptInvitation(Payload, frozen=True):
    secret_fields = ("token", "password")

    token: OneTimeToken
    password: NewPassword


class AcceptInvitationAnswer(TypedDict):
    accountId: str


async def accept_invitation(
    ctx: Context, cmd: AcceptInvitation, deps: Deps
) -> AcceptInvitationAnswer:
    parts = deps.get(OneTimeTokens).check("invitation", cmd.token, tenant_of_request(ctx))
    deps.uow.use_tenant(parts.tenant_id)
    await admit_public(ctx, deps, parts.tenant_id)  # its ranges (decision 54)
    stream = await deps.uow.load(parts.token_id)
    token = issued(stream, "invitation")
    deps.uow.use_tenant(parts.tenant_id, token.account_id)
    check_use("invitation", token.issued_at, token.used, deps.now)
    invited = stream.events[0]
    assert isinstance(invited, AccountInvited)
    account = await deps.uow.load(token.account_id)
    password_hash = await deps.get(IdentityService).hash_password(cmd.password)
    deps.uow.append(
        "invitation",
        parts.token_id,
        token.version,
        [TokenUsed(token_id=parts.token_id, account_id=token.account_id)],
    )
    deps.uow.append(
        "account",
        token.account_id,
        account.version,
        [
            PasswordSet(account_id=token.account_id, password_hash=password_hash),
            EmailVerified(account_id=token.account_id, email=invited.email),
            RoleAssigned(
                account_id=token.account_id, role=invited.role, folder_id=invited.folder_id
            ),
        ],
    )
    return {"accountId": token.account_id}
