"""revoke-api-key: the key stops at once (the guard, decision 49).

Needs `api-keys.revoke` at the folder of the key's service account; an unknown key (or
another tenant's) is 404.
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity.credentials import (
    credential_row,
    decide_revoke,
    service_account_folder,
)
from ossature.modules.identity.errors import CredentialNotFound
from ossature.modules.identity.fields import CredentialId

__all__ = ["ApiKeyRevoked", "RevokeApiKey", "RevokeApiKeyAnswer", "folder_of_key", "revoke_api_key"]


class RevokeApiKey(Payload, frozen=True):
    key_id: CredentialId


class ApiKeyRevoked(Event, frozen=True):
    name = "api-key-revoked"

    key_id: str
    account_id: str


class RevokeApiKeyAnswer(TypedDict):
    keyId: str


async def revoke_api_key(ctx: Context, cmd: RevokeApiKey, deps: Deps) -> RevokeApiKeyAnswer:
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        row = await credential_row(conn, cmd.key_id, "api-key")
    if row is None:
        raise CredentialNotFound({"keyId": cmd.key_id})
    stream = await deps.uow.load(cmd.key_id)
    revoked = ApiKeyRevoked(key_id=cmd.key_id, account_id=row["account_id"])
    deps.uow.append("api-key", cmd.key_id, stream.version, decide_revoke(stream.events, revoked))
    return {"keyId": cmd.key_id}


async def folder_of_key(ctx: Context, cmd: RevokeApiKey, deps: Deps) -> str:
    """Revoking a key needs the right at its service account's folder."""
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        row = await credential_row(conn, cmd.key_id, "api-key")
        folder = await service_account_folder(conn, row["account_id"]) if row else None
    if folder is None:
        raise CredentialNotFound({"keyId": cmd.key_id})
    return folder
