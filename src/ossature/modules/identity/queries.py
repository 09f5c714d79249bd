"""Queries of the identity module."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.messages import Payload
from ossature.modules.identity._personal import opened
from ossature.modules.identity.errors import AccountNotFound
from ossature.modules.identity.projections import account_by_id, list_accounts_rows

__all__ = [
    "AccountView",
    "GetMyAccount",
    "ListAccounts",
    "ListAccountsAnswer",
    "ListPersonalAccessTokens",
    "PersonalAccessTokenItem",
    "PersonalAccessTokens",
    "account_status",
    "get_my_account",
    "list_accounts",
    "list_personal_access_tokens",
]

Status = Literal["active", "invited", "deactivated"]


class ListAccounts(Payload, frozen=True):
    pass


class AccountView(TypedDict):
    accountId: str
    email: str | None  # None: a service account
    displayName: str
    locale: str
    kind: Literal["user", "service"]
    status: Status
    emailVerified: bool
    mfaEnabled: bool


class ListAccountsAnswer(TypedDict):
    accounts: list[AccountView]


def account_status(row: dict[str, Any]) -> Status:
    """Deactivated wins; a user without a password has not accepted its invitation (a
    service account has none to set)."""
    if row.get("deactivated_at") is not None:
        return "deactivated"
    invited = row.get("password_hash") is None and row.get("kind", "user") != "service"
    return "invited" if invited else "active"


async def list_accounts(ctx: Context, query: ListAccounts, deps: Deps) -> ListAccountsAnswer:
    """Every account of the tenant (the caller administers accounts: `accounts.read`), by
    email, with whether its email is verified and its second factor on. Emails and names are
    opened here (decision 93): a forgotten person's read FORGOTTEN."""
    assert ctx.tenant_id is not None
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await opened(
            deps.get(PersonalKeys), conn, ctx.tenant_id, await list_accounts_rows(conn)
        )
    rows.sort(key=lambda row: (row["email"] is None, row["email"] or "", row["account_id"]))
    return {"accounts": [_view(row) for row in rows]}


class GetMyAccount(Payload, frozen=True):
    pass


async def get_my_account(ctx: Context, query: GetMyAccount, deps: Deps) -> AccountView:
    """The caller's own account, as list-accounts shows it: what an account page needs
    (language, second factor) without the right to read the others."""
    assert ctx.access is not None and ctx.tenant_id is not None
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        row = await account_by_id(conn, ctx.access.account_id)
        if row is None:  # an internal actor's made-up account
            raise AccountNotFound()
        (row,) = await opened(deps.get(PersonalKeys), conn, ctx.tenant_id, [row])
    return _view(row)


def _view(row: dict[str, Any]) -> AccountView:
    return {
        "accountId": row["account_id"],
        "email": row["email"],
        "displayName": row["display_name"],
        "locale": row["locale"],
        "kind": "service" if row.get("kind") == "service" else "user",
        "status": account_status(row),
        "emailVerified": bool(row.get("email_verified")),
        "mfaEnabled": bool(row.get("mfa_enabled")),
    }


class ListPersonalAccessTokens(Payload, frozen=True):
    pass


class PersonalAccessTokenItem(TypedDict):
    tokenId: str
    name: str
    createdAt: int
    expiresAt: int
    revokedAt: int | None


class PersonalAccessTokens(TypedDict):
    tokens: list[PersonalAccessTokenItem]


async def list_personal_access_tokens(
    ctx: Context, query: ListPersonalAccessTokens, deps: Deps
) -> PersonalAccessTokens:
    """The caller's own tokens, newest first, revoked and expired ones included; never a secret
    (none is stored)."""
    assert ctx.access is not None
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_MINE, ctx.access.account_id)
    return {"tokens": [_item(row) for row in rows]}


_MINE = """
select credential_id, name, created_at, expires_at, ended_at from credentials
where account_id = $1 and kind = 'personal-access-token' order by credential_id desc
"""


def _item(row: Any) -> PersonalAccessTokenItem:
    ended = row["ended_at"]
    return {
        "tokenId": row["credential_id"],
        "name": row["name"],
        "createdAt": int(row["created_at"].timestamp()),
        "expiresAt": int(row["expires_at"].timestamp()),
        "revokedAt": None if ended is None else int(ended.timestamp()),
    }
