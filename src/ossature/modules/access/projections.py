"""Role assignments, projected inline: the next log-in puts them in the token."""

from __future__ import annotations

from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection

__all__ = ["ASSIGNMENTS", "all_assignments", "grants_of", "holds_assignment"]


async def _assigned(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into role_assignments (tenant_id, account_id, role, folder_id)"
        " values ($1, $2, $3, $4) on conflict do nothing",
        envelope.tenant_id,
        p["accountId"],
        p["role"],
        p["folderId"],
    )


async def _revoked(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "delete from role_assignments where account_id = $1 and role = $2 and folder_id = $3",
        p["accountId"],
        p["role"],
        p["folderId"],
    )


ASSIGNMENTS = Projection(
    name="access-assignments",
    # a service account is made with its role (identity's create-service-account)
    handlers={
        "role-assigned": _assigned,
        "role-revoked": _revoked,
        "service-account-created": _assigned,
    },
    tables=("role_assignments",),
    inline=True,
)


async def grants_of(conn: Any, account_id: str) -> list[tuple[str, str]]:
    """The (role, folder id) pairs an account holds."""
    rows = await conn.fetch(
        "select role, folder_id from role_assignments where account_id = $1 order by role, folder_id",
        account_id,
    )
    return [(row["role"], row["folder_id"]) for row in rows]


async def holds_assignment(conn: Any, account_id: str, role: str, folder_id: str) -> bool:
    """True when the account holds `role` at `folder_id` itself (not inherited)."""
    return bool(
        await conn.fetchval(
            "select exists(select 1 from role_assignments"
            " where account_id = $1 and role = $2 and folder_id = $3)",
            account_id,
            role,
            folder_id,
        )
    )


async def all_assignments(conn: Any) -> list[tuple[str, str, str]]:
    """Every (account id, role, folder id) of the current tenant, in a stable order."""
    rows = await conn.fetch(
        "select account_id, role, folder_id from role_assignments"
        " order by folder_id, account_id, role"
    )
    return [(row["account_id"], row["role"], row["folder_id"]) for row in rows]
