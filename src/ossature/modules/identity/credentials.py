"""Personal access tokens and API keys: their rows, and the actor a token authenticates.

The gateway hands a bearer `oss_pat_…` or `oss_key_…` to `TokenAuthentication.actor`: the
token's shape and its derived secret are checked in memory, then its row and its owner's
grants are read in the token's tenant (a cache miss only: an actor is kept `KEPT_FOR`
seconds, so a change of grants reaches a token within that bound). Revocation and expiry
need no cache rule: the invocation's guard checks the credential on every invocation
(decision 49). Every refusal is the same `CredentialRefused` (decision 48).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from ossature.kernel.context import Actor, Grant
from ossature.kernel.database import Database
from ossature.kernel.messages import Event
from ossature.modules.access.projections import grants_of
from ossature.modules.identity._credentials import Parsed, is_genuine, parse_token
from ossature.modules.identity.errors import CredentialRefused
from ossature.modules.identity.projections import CREDENTIAL_ENDED

__all__ = [
    "KEPT_FOR",
    "TokenAuthentication",
    "credential_row",
    "decide_revoke",
    "is_credential_token",
    "service_account_folder",
]

KEPT_FOR = 30.0  # seconds an authenticated token's actor (its grants) is kept
_KEPT_AT_MOST = 10_000


def is_credential_token(token: str) -> bool:
    """True for a bearer this module authenticates (by its prefix, well formed or not)."""
    return token.startswith(("oss_pat_", "oss_key_"))


async def credential_row(conn: Any, credential_id: str, kind: str) -> dict[str, Any] | None:
    """The credential of the current tenant with this id and kind, ended or not."""
    row = await conn.fetchrow(
        "select * from credentials where credential_id = $1 and kind = $2", credential_id, kind
    )
    return None if row is None else dict(row)


async def service_account_folder(conn: Any, account_id: str) -> str | None:
    """The folder a service account of the current tenant was made at, or None."""
    folder: str | None = await conn.fetchval(
        "select folder_id from accounts where account_id = $1 and kind = 'service'", account_id
    )
    return folder


def decide_revoke(history: Sequence[Event], revoked: Event) -> list[Event]:
    """A credential is revoked once: `revoked` unless its history holds one already."""
    return [] if any(type(event) is type(revoked) for event in history) else [revoked]


class TokenAuthentication:
    """Bearer tokens and keys to actors; `key` is the deployment's credential key."""

    def __init__(
        self, db: Database, key: bytes, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.db, self.key, self.clock = db, key, clock
        self._kept: dict[str, tuple[float, Actor]] = {}

    async def actor(self, token: str) -> Actor:
        """The actor `token` names; CredentialRefused for any token that is not live."""
        parsed = parse_token(token)
        if parsed is None or not is_genuine(self.key, parsed):
            raise CredentialRefused()
        kept = self._kept.get(parsed.credential_id)
        if kept is not None and self.clock() - kept[0] < KEPT_FOR:
            return kept[1]
        actor = await self._read(parsed)
        if len(self._kept) >= _KEPT_AT_MOST:
            self._kept.pop(next(iter(self._kept)))
        self._kept[parsed.credential_id] = (self.clock(), actor)
        return actor

    async def _read(self, parsed: Parsed) -> Actor:
        guard = parsed.credential_id  # BEGIN checks it: ended or expired, refused
        try:
            async with self.db.transaction(parsed.tenant_id, readonly=True, guard=guard) as conn:
                row = await conn.fetchrow(_OWNER, parsed.credential_id, parsed.mechanism)
                grants = await grants_of(conn, row["account_id"]) if row else []
        except asyncpg.PostgresError as error:
            if getattr(error, "sqlstate", None) == CREDENTIAL_ENDED:
                raise CredentialRefused() from None
            raise
        if row is None:
            raise CredentialRefused()
        return Actor(
            account_id=row["account_id"],
            kind="service" if parsed.mechanism == "api-key" else "user",
            tenant_id=parsed.tenant_id,
            locale=row["locale"],
            mechanism=parsed.mechanism,
            credential_id=parsed.credential_id,
            grants=tuple(Grant(role=role, folder_id=folder) for role, folder in grants),
        )


_OWNER = """
select c.account_id, a.locale from credentials c join accounts a on a.account_id = c.account_id
where c.credential_id = $1 and c.kind = $2
"""
