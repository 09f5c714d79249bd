"""revoke-personal-access-token: the caller's token stops at once (the guard, decision 49).

Only the owner's own: another account's token is answered as an unknown one (404).
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity.credentials import credential_row, decide_revoke
from ossature.modules.identity.errors import CredentialNotFound
from ossature.modules.identity.fields import CredentialId

__all__ = [
    "PersonalAccessTokenRevoked",
    "RevokePersonalAccessToken",
    "RevokePersonalAccessTokenAnswer",
    "revoke_personal_access_token",
]


class RevokePersonalAccessToken(Payload, frozen=True):
    token_id: CredentialId


class PersonalAccessTokenRevoked(Event, frozen=True):
    name = "personal-access-token-revoked"

    token_id: str
    account_id: str


class RevokePersonalAccessTokenAnswer(TypedDict):
    tokenId: str


async def revoke_personal_access_token(
    ctx: Context, cmd: RevokePersonalAccessToken, deps: Deps
) -> RevokePersonalAccessTokenAnswer:
    assert ctx.access is not None
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        row = await credential_row(conn, cmd.token_id, "personal-access-token")
    if row is None or row["account_id"] != ctx.access.account_id:
        raise CredentialNotFound({"tokenId": cmd.token_id})
    stream = await deps.uow.load(cmd.token_id)
    revoked = PersonalAccessTokenRevoked(token_id=cmd.token_id, account_id=row["account_id"])
    deps.uow.append(
        "personal-access-token", cmd.token_id, stream.version, decide_revoke(stream.events, revoked)
    )
    return {"tokenId": cmd.token_id}
