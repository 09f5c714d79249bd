"""Role assignments, projected inline: the next log-in puts them in the token."""

from __future__ import annotations

from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection

__all__ = ["ASSIGNMENTS", "grants_of"]


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


ASSIGNMENTS = Projection(
    name="access-assignments",
    handlers={"role-assigned": _assigned},
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
