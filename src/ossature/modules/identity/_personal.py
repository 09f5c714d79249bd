"""A person's email and name as identity keeps them: sealed with their account's key, found by a
blind index, opened on the way out (decisions 89 and 93).

- `email_index`: a keyed HMAC-SHA256 of the normalized email, bound to the tenant, under a key
  derived from the deployment's pepper; `accounts.email_index` finds an account by its email
  without the email (log-in, invite, reset). It reveals nothing without the key.
- `seal_person`: the email and name sealed with the account's key, in the invocation's
  transaction (the key is made there, with the account's first events).
- `opened`: rows of `accounts` with their email and name opened (FORGOTTEN once forgotten).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

from ossature.kernel.deps import Deps
from ossature.kernel.keys import PersonalKeys, is_sealed

__all__ = ["PERSONAL_COLUMNS", "email_index", "open_values", "opened", "seal_person"]

PERSONAL_COLUMNS = ("email", "display_name")


def email_index(key: bytes, tenant_id: str, normal_email: str) -> str:
    """The blind index of a normalized email in a tenant: the same email in another tenant, or
    under another deployment's key, has another."""
    message = f"ossature email index\n{tenant_id}\n{normal_email}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def seal_person(deps: Deps, tenant_id: str, account_id: str, *texts: str) -> list[str]:
    """`texts` sealed with the account's key, in the invocation's (writable) transaction."""
    async with deps.db.transaction(tenant_id) as conn:
        return await deps.get(PersonalKeys).seal_many(conn, tenant_id, account_id, list(texts))


async def open_values(deps: Deps, tenant_id: str, values: Sequence[str | None]) -> list[str | None]:
    """`values` opened in the tenant (plain text passes; a forgotten one reads FORGOTTEN);
    with none sealed, no statement."""
    if not any(is_sealed(value) for value in values):
        return list(values)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        return await deps.get(PersonalKeys).open_many(conn, tenant_id, values)


async def opened(
    keys: PersonalKeys, conn: Any, tenant_id: str, rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`rows` of `accounts` with their email and display name opened, in one statement."""
    values = [row.get(column) for row in rows for column in PERSONAL_COLUMNS]
    plain = await keys.open_many(conn, tenant_id, values)
    width = len(PERSONAL_COLUMNS)
    return [
        {**row, **dict(zip(PERSONAL_COLUMNS, plain[i * width : (i + 1) * width], strict=True))}
        for i, row in enumerate(rows)
    ]
