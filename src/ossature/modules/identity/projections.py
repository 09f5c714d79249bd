"""Accounts and credentials (sessions, personal access tokens, API keys), projected inline:
log-in, authentication and the guard read them at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ossature.kernel.context import Actor
from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Apply, Projection

__all__ = [
    "ACCOUNTS",
    "CREDENTIAL_ENDED",
    "account_by_email",
    "account_by_id",
    "active_account_by_email",
    "guard_of",
    "list_accounts_rows",
    "refreshable_session",
    "session_is_active",
]


async def _registered(conn: Any, envelope: Envelope) -> None:
    """The email and name as the event holds them, sealed (decision 93); an event stored
    before the blind index has none: the start-up step computes it (`_legacy.py`)."""
    p = envelope.payload
    await conn.execute(
        "insert into accounts (tenant_id, account_id, email, display_name, locale, email_index)"
        " values ($1, $2, $3, $4, $5, $6)",
        envelope.tenant_id,
        p["accountId"],
        p["email"],
        p["displayName"],
        p["locale"],
        p.get("emailIndex"),
    )


async def _forgotten(conn: Any, envelope: Envelope) -> None:
    """The account's key is gone: nothing finds it by its email any more, and it stays
    deactivated (forget-account appends `account-deactivated` first when it was not)."""
    await conn.execute(
        "update accounts set email_index = null, forgotten_at = $2,"
        " deactivated_at = coalesce(deactivated_at, $2) where account_id = $1",
        envelope.payload["accountId"],
        envelope.occurred_at,
    )


async def _email_verified(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "update accounts set email_verified = true where account_id = $1",
        envelope.payload["accountId"],
    )


async def _sessions_ended(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "update credentials set ended_at = $3 where account_id = $1 and kind = 'session'"
        " and ended_at is null and credential_id is distinct from $2",
        p["accountId"],
        p.get("keptSessionId"),
        envelope.occurred_at,
    )


async def _logged_in(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into credentials (tenant_id, credential_id, account_id, expires_at, kind,"
        " refreshable_until) values ($1, $2, $3, $4, 'session', $5)",
        envelope.tenant_id,
        p["sessionId"],
        p["accountId"],
        datetime.fromtimestamp(p["expiresAt"], UTC),
        _instant(p.get("refreshableUntil")),
    )
    await _first_logged_in(conn, envelope)


async def _refreshed(conn: Any, envelope: Envelope) -> None:
    """The session's access token renewed: the guard reads its new expiry, and its idle
    window starts again (decision 58)."""
    p = envelope.payload
    await conn.execute(
        "update credentials set expires_at = $2, refreshable_until = $3 where credential_id = $1",
        p["sessionId"],
        datetime.fromtimestamp(p["expiresAt"], UTC),
        datetime.fromtimestamp(p["refreshableUntil"], UTC),
    )


def _instant(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


async def _first_logged_in(conn: Any, envelope: Envelope) -> None:
    """The account's first log-in, kept: every log-in sets it while unset, so a rebuild from
    events written before `firstLogIn` existed finds it too."""
    await conn.execute(
        "update accounts set logged_in_at = $2 where account_id = $1 and logged_in_at is null",
        envelope.payload["accountId"],
        envelope.occurred_at,
    )


async def _locale_set(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "update accounts set locale = $2 where account_id = $1", p["accountId"], p["locale"]
    )


async def _mfa(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "update accounts set mfa_enabled = $2 where account_id = $1",
        envelope.payload["accountId"],
        envelope.event_type == "totp-confirmed",
    )


async def _impersonation_started(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into credentials (tenant_id, credential_id, account_id, expires_at, kind,"
        " on_behalf_of, reason) values ($1, $2, $3, $4, 'session', $5, $6)",
        envelope.tenant_id,
        p["sessionId"],
        p["accountId"],
        datetime.fromtimestamp(p["expiresAt"], UTC),
        p["operatorId"],
        p["reason"],
    )


async def _logged_out(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "update credentials set ended_at = $2 where credential_id = $1",
        envelope.payload["sessionId"],
        envelope.occurred_at,
    )


async def _deactivated(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "update accounts set deactivated_at = $2 where account_id = $1",
        envelope.payload["accountId"],
        envelope.occurred_at,
    )


async def _service_account_created(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into accounts (tenant_id, account_id, display_name, locale, kind, folder_id)"
        " values ($1, $2, $3, 'en', 'service', $4)",
        envelope.tenant_id,
        p["accountId"],
        p["displayName"],
        p["folderId"],
    )


def _created(kind: str, id_field: str, name_field: str) -> Apply:
    """The handler inserting a token's or a key's row (the secret is derived, never stored)."""

    async def created(conn: Any, envelope: Envelope) -> None:
        p = envelope.payload
        await conn.execute(
            "insert into credentials (tenant_id, credential_id, account_id, expires_at, kind,"
            " name, created_at) values ($1, $2, $3, $4, $5, $6, $7)",
            envelope.tenant_id,
            p[id_field],
            p["accountId"],
            datetime.fromtimestamp(p["expiresAt"], UTC),
            kind,
            p[name_field],
            envelope.occurred_at,
        )

    return created


def _revoked(id_field: str) -> Apply:
    async def revoked(conn: Any, envelope: Envelope) -> None:
        await conn.execute(
            "update credentials set ended_at = $2 where credential_id = $1 and ended_at is null",
            envelope.payload[id_field],
            envelope.occurred_at,
        )

    return revoked


ACCOUNTS = Projection(
    name="identity-accounts",
    handlers={
        "account-registered": _registered,
        "email-verified": _email_verified,
        "sessions-ended": _sessions_ended,
        "user-logged-in": _logged_in,
        "user-logged-out": _logged_out,
        "session-refreshed": _refreshed,
        "locale-set": _locale_set,
        "totp-confirmed": _mfa,
        "totp-disabled": _mfa,
        "account-deactivated": _deactivated,
        "account-forgotten": _forgotten,
        "impersonation-started": _impersonation_started,
        "personal-access-token-created": _created("personal-access-token", "tokenId", "tokenName"),
        "personal-access-token-revoked": _revoked("tokenId"),
        "service-account-created": _service_account_created,
        "api-key-created": _created("api-key", "keyId", "keyName"),
        "api-key-revoked": _revoked("keyId"),
    },
    tables=("credentials", "accounts"),
    inline=True,
)


# An account's row with its password's hash (`account_passwords`, decision 94): what log-in,
# change-password and the account's status read. Its email and name are sealed.
_ACCOUNT = (
    "select a.*, p.hash as password_hash from accounts a"
    " left join account_passwords p on p.tenant_id = a.tenant_id and p.account_id = a.account_id"
)


async def account_by_email(conn: Any, index: str | None) -> dict[str, Any] | None:
    """The account of the current tenant whose email has this blind index
    (`IdentityService.index_of`; None, an email that is none, finds nothing)."""
    if index is None:
        return None
    row = await conn.fetchrow(f"{_ACCOUNT} where a.email_index = $1", index)
    return None if row is None else dict(row)


async def active_account_by_email(conn: Any, index: str | None) -> dict[str, Any] | None:
    """The account of the current tenant with this email index, unless deactivated (log-in)."""
    account = await account_by_email(conn, index)
    return None if account is None or account["deactivated_at"] is not None else account


async def account_by_id(conn: Any, account_id: str) -> dict[str, Any] | None:
    """The account of the current tenant with this id."""
    row = await conn.fetchrow(f"{_ACCOUNT} where a.account_id = $1", account_id)
    return None if row is None else dict(row)


async def list_accounts_rows(conn: Any) -> list[dict[str, Any]]:
    """Every account of the current tenant (sealed: the caller opens and orders them)."""
    return [dict(row) for row in await conn.fetch(_ACCOUNT)]


CREDENTIAL_ENDED = "OS401"  # the SQLSTATE `ossature_guard` raises for an ended credential


def guard_of(actor: Actor | None) -> str:
    """The guard of an invocation: the id of the credential it is made with (a session, a
    personal access token, an API key), or "" for none (an internal actor). This module's
    `ossature_guard` (migrations/live/ossature_guard.sql) raises SQLSTATE `CREDENTIAL_ENDED`
    for it unless the credential is still live; checked with BEGIN or inside the statement
    an invocation runs alone, it costs no round trip of its own (decisions 19 and 49)."""
    if actor is None:
        return ""
    return actor.credential_id or actor.session_id or ""


async def session_is_active(conn: Any, session_id: str, now: datetime) -> bool:
    """True while the session has neither ended nor expired, and its account is active."""
    return bool(
        await conn.fetchval(
            "select exists(select 1 from credentials c where c.credential_id = $1"
            " and c.kind = 'session' and c.ended_at is null and c.expires_at > $2"
            " and not exists (select 1 from accounts a"
            " where a.account_id = c.account_id and a.deactivated_at is not null))",
            session_id,
            now,
        )
    )


async def refreshable_session(conn: Any, session_id: str) -> dict[str, Any] | None:
    """The session of the current tenant with this id, with its account's row (locale,
    MFA, deactivation) and its `credential_id`, `ended_at` and `refreshable_until`."""
    row = await conn.fetchrow(
        "select a.*, c.credential_id, c.ended_at, c.refreshable_until from credentials c"
        " join accounts a on a.account_id = c.account_id"
        " where c.credential_id = $1 and c.kind = 'session'",
        session_id,
    )
    return None if row is None else dict(row)
