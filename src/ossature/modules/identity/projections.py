"""Accounts and sessions, projected inline (log-in and authentication read them at once)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection

__all__ = ["ACCOUNTS", "account_by_email", "session_is_active"]


async def _registered(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into accounts (tenant_id, account_id, email, display_name, locale)"
        " values ($1, $2, $3, $4, $5)",
        envelope.tenant_id,
        p["accountId"],
        p["email"],
        p["displayName"],
        p["locale"],
    )


async def _password_set(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "update accounts set password_hash = $2 where account_id = $1",
        p["accountId"],
        p["passwordHash"],
    )


async def _logged_in(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into sessions (tenant_id, session_id, account_id, expires_at) values ($1, $2, $3, $4)",
        envelope.tenant_id,
        p["sessionId"],
        p["accountId"],
        datetime.fromtimestamp(p["expiresAt"], UTC),
    )


async def _logged_out(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "update sessions set ended_at = $2 where session_id = $1",
        envelope.payload["sessionId"],
        envelope.occurred_at,
    )


ACCOUNTS = Projection(
    name="identity-accounts",
    handlers={
        "account-registered": _registered,
        "password-set": _password_set,
        "user-logged-in": _logged_in,
        "user-logged-out": _logged_out,
    },
    tables=("sessions", "accounts"),
    inline=True,
)


async def account_by_email(conn: Any, email: str) -> dict[str, Any] | None:
    """The account of the current tenant with this email."""
    row = await conn.fetchrow("select * from accounts where email = $1", email.lower())
    return None if row is None else dict(row)


SESSION_ENDED = "OS401"  # the SQLSTATE `ossature_guard` raises for an ended session


def session_guard(session_id: str) -> str:
    """The guard of an invocation made in a session: the session's id. This module's
    `ossature_guard` (its migrations/live/ossature_guard.sql) raises SQLSTATE `SESSION_ENDED` for it unless the
    session is still open; checked with BEGIN or inside the statement an invocation runs
    alone, it costs no round trip of its own."""
    return session_id


async def session_is_active(conn: Any, session_id: str, now: datetime) -> bool:
    """True while the session has neither ended nor expired."""
    return bool(
        await conn.fetchval(
            "select exists(select 1 from sessions where session_id = $1"
            " and ended_at is null and expires_at > $2)",
            session_id,
            now,
        )
    )
