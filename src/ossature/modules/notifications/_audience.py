"""Who could be told: a tenant's accounts with the grants they hold, and actors' display names.

Reads the identity module's `accounts` and the access module's `role_assignments` read
models (both projected inline, so they are current when the event is processed). The
grants are those in force now, the ones the next log-in puts in a token.
"""

from __future__ import annotations

from typing import Any

from ossature.kernel.database import Database
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.messages import Envelope
from ossature.modules.access._decide import Grant

__all__ = ["Directory"]

_PRINCIPALS = """select a.account_id, r.role, r.folder_id
    from accounts a left join role_assignments r on r.account_id = a.account_id
    order by a.account_id"""


class Directory:
    """Answers from the read models through `db`, remembering them for one batch."""

    def __init__(self, db: Database, keys: PersonalKeys | None = None) -> None:
        self.db, self.keys = db, keys
        self._principals: dict[str, dict[str, list[Grant]]] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._answers: dict[str, dict[Any, frozenset[str]]] = {}

    def answers(self, tenant_id: str) -> dict[Any, frozenset[str]]:
        """Audiences already decided for the tenant's principals, for this batch."""
        return self._answers.setdefault(tenant_id, {})

    async def principals(self, tenant_id: str) -> dict[str, list[Grant]]:
        """Every account of the tenant, each with its grants (possibly none)."""
        if tenant_id not in self._principals:
            async with self.db.transaction(tenant_id, readonly=True) as conn:
                rows = await conn.fetch(_PRINCIPALS)
            self._principals[tenant_id] = _grants_by_account(rows)
        return self._principals[tenant_id]

    async def actor_name(self, envelope: Envelope) -> str:
        """The display name of the event's actor, opened (FORGOTTEN once the person was
        forgotten: decision 93); its id when it is not an account (a service)."""
        actor = envelope.context.access
        if actor is None:
            return ""
        key = (envelope.tenant_id, actor.account_id)
        if key not in self._names:
            async with self.db.transaction(envelope.tenant_id, readonly=True) as conn:
                name = await conn.fetchval(
                    "select display_name from accounts where account_id = $1", actor.account_id
                )
                if name is not None and self.keys is not None:
                    name = await self.keys.open(conn, envelope.tenant_id, name)
            self._names[key] = name or actor.account_id
        return self._names[key]


def _grants_by_account(rows: list[Any]) -> dict[str, list[Grant]]:
    found: dict[str, list[Grant]] = {}
    for row in rows:
        grants = found.setdefault(row["account_id"], [])
        if row["role"] is not None:
            grants.append(Grant(row["role"], row["folder_id"]))
    return found
