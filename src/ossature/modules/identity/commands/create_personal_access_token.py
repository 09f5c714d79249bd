"""create-personal-access-token: a token for scripts, acting as its owner with their grants.

The token is answered once and never recorded: its secret is derived from its id under the
deployment's credential key (decision 48), so a repeat (same Idempotency-Key, so the same
id) answers the same token, and nothing secret reaches an event or the database.
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity._credentials import credential_of, make_token
from ossature.modules.identity.errors import SessionRequired
from ossature.modules.identity.fields import CredentialName, ExpiresAt, checked_expiry
from ossature.modules.identity.service import IdentityService

__all__ = [
    "CreatePersonalAccessToken",
    "CreatePersonalAccessTokenAnswer",
    "PersonalAccessTokenCreated",
    "create_personal_access_token",
]


class CreatePersonalAccessToken(Payload, frozen=True):
    name: CredentialName
    expires_at: ExpiresAt


class PersonalAccessTokenCreated(Event, frozen=True):
    name = "personal-access-token-created"

    token_id: str
    account_id: str
    token_name: str
    expires_at: int


class CreatePersonalAccessTokenAnswer(TypedDict):
    tokenId: str
    token: str
    expiresAt: int


async def create_personal_access_token(
    ctx: Context, cmd: CreatePersonalAccessToken, deps: Deps
) -> CreatePersonalAccessTokenAnswer:
    actor = ctx.access
    assert actor is not None
    if actor.mechanism not in ("session", "internal"):  # a token never makes another
        raise SessionRequired()
    expires_at = checked_expiry(cmd.expires_at, deps.now)
    key = ctx.trace.external_invocation_id
    token_id = credential_of("personal-access-token", actor.tenant_id, actor.account_id, key)
    created = PersonalAccessTokenCreated(
        token_id=token_id, account_id=actor.account_id, token_name=cmd.name, expires_at=expires_at
    )
    deps.uow.append("personal-access-token", token_id, 0, [created])
    secret_key = deps.get(IdentityService).credential_key
    token = make_token(secret_key, "personal-access-token", actor.tenant_id, token_id)
    return {"tokenId": token_id, "token": token, "expiresAt": expires_at}
