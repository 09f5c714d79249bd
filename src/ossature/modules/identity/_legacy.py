"""Start-up step: seal what versions before decision 93 left in plain text (idempotent).

Run by the system at start, as the database's owner, one process at a time, tenant by tenant
(row-level security is forced on the owner too, and each statement names the tenant for an
owner that is a superuser). For each tenant, only values not sealed yet:

- `accounts` of people: email and display name sealed with the account's key, the email's
  blind index computed;
- stored events of identity that hold a person's email or name (`Event.personal`): those
  fields sealed with the key of the event's `accountId`, and `account-registered` given its
  `emailIndex`, so that a rebuild finds the account by its email. The store refuses updates
  (kernel live/events_refuse_change.sql): its trigger is set aside for this one transaction,
  only when something is left to seal.

A tenant's accounts and their events are sealed in the same transaction, and everything written
since is sealed by the commands: a tenant with no plain account has no plain event either, so
a start reads each tenant's accounts, and its events only the once they need sealing. A pass
that found nothing to seal anywhere is recorded (`identity_legacy_sealed`), and the starts after
it read nothing at all: the first start of an upgraded system seals, the next finds nothing and
says so. (A version before decision 93 still writing beside a newer one would write plain
values after that; a rolling upgrade replaces every old process before its second start.)

What the relay already published to JetStream before stays there in plain text until the
stream's retention drops it (decision 93).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ossature.kernel.keys import Forgotten, PersonalKeys, is_sealed
from ossature.kernel.messages import Event
from ossature.modules.identity._personal import email_index

__all__ = ["seal_legacy"]


async def seal_legacy(
    conn: Any, keys: PersonalKeys, index_key: bytes, events: Iterable[type[Event]]
) -> int:
    """Seal every plain personal value of accounts and of `events`' stored payloads, in the
    caller's transaction; how many rows were sealed."""
    if await conn.fetchval("select exists (select 1 from identity_legacy_sealed)"):
        return 0
    personal = {event.name: event.personal for event in events if event.personal}
    sealed = 0
    tenants = [row["tenant_id"] for row in await conn.fetch("select tenant_id from tenants")]
    for tenant_id in tenants:
        await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id)
        plain = await _accounts(conn, keys, index_key, tenant_id)
        if plain:  # sealed together, once: no plain account, no plain event
            sealed += plain + await _events(conn, keys, index_key, tenant_id, personal)
    await conn.execute("select set_config('app.tenant_id', '', true)")
    if not sealed:
        await conn.execute("insert into identity_legacy_sealed default values")
    return sealed


async def _accounts(conn: Any, keys: PersonalKeys, index_key: bytes, tenant_id: str) -> int:
    rows = await conn.fetch(
        "select account_id, email, display_name from accounts where tenant_id = $1"
        " and kind = 'user' and (email not like 'pd1.%' or display_name not like 'pd1.%')",
        tenant_id,
    )
    for row in rows:
        email, name = row["email"], row["display_name"]
        try:
            sealed = await keys.seal_many(conn, tenant_id, row["account_id"], [email, name])
        except Forgotten:
            continue
        await conn.execute(
            "update accounts set email = $2, display_name = $3,"
            " email_index = coalesce(email_index, $4) where account_id = $1 and tenant_id = $5",
            row["account_id"],
            email if is_sealed(email) else sealed[0],
            name if is_sealed(name) else sealed[1],
            email_index(index_key, tenant_id, email) if not is_sealed(email) else None,
            tenant_id,
        )
    return len(rows)


async def _events(
    conn: Any,
    keys: PersonalKeys,
    index_key: bytes,
    tenant_id: str,
    personal: dict[str, tuple[str, ...]],
) -> int:
    rows = [
        row
        for row in await conn.fetch(
            "select event_id, event_type, payload from events"
            " where tenant_id = $1 and event_type = any($2::text[])",
            tenant_id,
            sorted(personal),
        )
        if _plain(_payload(row["payload"]), personal[row["event_type"]])
    ]
    if not rows:
        return 0
    await conn.execute("alter table events disable trigger events_no_update")
    for row in rows:
        payload = _payload(row["payload"])
        fields = [f for f in _camel(personal[row["event_type"]]) if not is_sealed(payload.get(f))]
        fields = [f for f in fields if isinstance(payload.get(f), str)]
        try:
            sealed = await keys.seal_many(
                conn, tenant_id, payload["accountId"], [payload[f] for f in fields]
            )
        except Forgotten:
            continue
        if row["event_type"] == "account-registered" and "emailIndex" not in payload:
            payload["emailIndex"] = email_index(index_key, tenant_id, payload["email"])
        payload |= dict(zip(fields, sealed, strict=True))
        await conn.execute(
            "update events set payload = $2::jsonb where event_id = $1",
            row["event_id"],
            json.dumps(payload),
        )
    await conn.execute("alter table events enable trigger events_no_update")
    return len(rows)


def _payload(value: Any) -> dict[str, Any]:
    return dict(json.loads(value) if isinstance(value, str) else value)


def _camel(fields: tuple[str, ...]) -> list[str]:
    return [f.split("_")[0] + "".join(w.title() for w in f.split("_")[1:]) for f in fields]


def _plain(payload: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return any(
        isinstance(payload.get(f), str) and not is_sealed(payload[f]) for f in _camel(fields)
    )
