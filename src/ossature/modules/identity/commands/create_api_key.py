"""create-api-key: a key a program presents to act as a service account.

Needs `api-keys.create` at the service account's folder. The key is answered once and
derived, never stored, as a personal access token is (decision 48).
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity._credentials import credential_of, make_token
from ossature.modules.identity.credentials import service_account_folder
from ossature.modules.identity.errors import NotAServiceAccount, SessionRequired
from ossature.modules.identity.fields import (
    CredentialId,
    CredentialName,
    ExpiresAt,
    checked_expiry,
)
from ossature.modules.identity.service import IdentityService

__all__ = [
    "ApiKeyCreated",
    "CreateApiKey",
    "CreateApiKeyAnswer",
    "create_api_key",
    "folder_of_service_account",
]


class CreateApiKey(Payload, frozen=True):
    service_account_id: CredentialId
    name: CredentialName
    expires_at: ExpiresAt


class ApiKeyCreated(Event, frozen=True):
    name = "api-key-created"

    key_id: str
    account_id: str
    key_name: str
    expires_at: int


class CreateApiKeyAnswer(TypedDict):
    keyId: str
    apiKey: str
    expiresAt: int


async def create_api_key(ctx: Context, cmd: CreateApiKey, deps: Deps) -> CreateApiKeyAnswer:
    actor = ctx.access
    assert actor is not None
    if actor.mechanism not in ("session", "internal"):  # a key never makes another
        raise SessionRequired()
    expires_at = checked_expiry(cmd.expires_at, deps.now)
    key = ctx.trace.external_invocation_id
    key_id = credential_of("api-key", actor.tenant_id, actor.account_id, key)
    created = ApiKeyCreated(
        key_id=key_id,
        account_id=cmd.service_account_id,
        key_name=cmd.name,
        expires_at=expires_at,
    )
    deps.uow.append("api-key", key_id, 0, [created])
    secret_key = deps.get(IdentityService).credential_key
    api_key = make_token(secret_key, "api-key", actor.tenant_id, key_id)
    return {"keyId": key_id, "apiKey": api_key, "expiresAt": expires_at}


async def folder_of_service_account(ctx: Context, cmd: CreateApiKey, deps: Deps) -> str:
    """A key for a service account needs the right at the folder it was made at; an unknown
    one (or another tenant's) is 404."""
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        folder = await service_account_folder(conn, cmd.service_account_id)
    if folder is None:
        raise NotAServiceAccount({"serviceAccountId": cmd.service_account_id})
    return folder
