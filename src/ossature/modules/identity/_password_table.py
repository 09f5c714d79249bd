"""Where accounts' password hashes are kept: identity's credential table `account_passwords`,
written by the command that sets a password, in its transaction (decision 94).

Not a read model: no event carries a hash, so a rebuild of `accounts` from events leaves this
table as it is. `Passwords` is the port; unit tests hand commands an in-memory one.
"""

from __future__ import annotations

from typing import Protocol

from ossature.kernel.deps import Deps

__all__ = ["PasswordTable", "Passwords"]


class Passwords(Protocol):
    """Sets and removes an account's password hash, in the invocation's transaction."""

    async def set(self, deps: Deps, tenant_id: str, account_id: str, password_hash: str) -> None:
        """The account's password is now `password_hash` (the hash of a new one)."""
        ...

    async def remove(self, deps: Deps, tenant_id: str, account_id: str) -> None:
        """The account has no password any more (forget-account)."""
        ...


class PasswordTable:
    """`account_passwords` in PostgreSQL, confined to the tenant."""

    async def set(self, deps: Deps, tenant_id: str, account_id: str, password_hash: str) -> None:
        async with deps.db.transaction(tenant_id) as conn:
            await conn.execute(
                "insert into account_passwords (tenant_id, account_id, hash, set_at)"
                " values ($1, $2, $3, $4) on conflict (tenant_id, account_id)"
                " do update set hash = excluded.hash, set_at = excluded.set_at",
                tenant_id,
                account_id,
                password_hash,
                deps.now,
            )

    async def remove(self, deps: Deps, tenant_id: str, account_id: str) -> None:
        async with deps.db.transaction(tenant_id) as conn:
            await conn.execute(
                "delete from account_passwords where tenant_id = $1 and account_id = $2",
                tenant_id,
                account_id,
            )
