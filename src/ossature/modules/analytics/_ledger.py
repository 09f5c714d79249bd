"""The analytics datastore's write side: new logins, their daily counts, each user's last
login seen and the source's watermark, committed in one PostgreSQL transaction.

Idempotent twice over: the source's state row is locked first, so extracts of one
source are serialized, and a login is keyed (tenant, source, user, instant), so a
row appended before is not appended, nor counted, again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from ossature.modules.analytics._copy import Snapshot

__all__ = [
    "Checkpoint",
    "append_logins",
    "new_logins",
    "per_day",
    "record_failure",
]

Checkpoint = Callable[[str], Awaitable[None]]
"""Called between the steps of an append (a test injects a crash there)."""

Login = tuple[str, datetime]


async def _no_checkpoint(step: str) -> None:
    return None


def new_logins(previous: Mapping[str, datetime], snapshot: Snapshot) -> list[Login]:
    """A login for each user seen for the first time, or whose last login moved forward."""
    return sorted(
        (user, at) for user, at in snapshot.items() if user not in previous or at > previous[user]
    )


def per_day(instants: Iterable[datetime]) -> dict[date, int]:
    """How many logins fall on each UTC day."""
    return dict(Counter(at.date() for at in instants))


_LOCK_STATE = """insert into login_source_state (tenant_id, source_name) values ($1, $2)
    on conflict do nothing"""
_SELECT_STATE = """select watermark from login_source_state
    where tenant_id = $1 and source_name = $2 for update"""
_SELECT_USERS = """select user_hash, last_login from login_user_state
    where tenant_id = $1 and source_name = $2"""
_INSERT_LOGINS = """insert into source_logins (tenant_id, source_name, user_hash, logged_in_at,
    extracted_at) select $1, $2, u, t, $5 from unnest($3::text[], $4::timestamptz[]) as x(u, t)
    on conflict do nothing returning logged_in_at"""
_COUNT_DAYS = """insert into source_login_days (tenant_id, source_name, day, logins)
    select $1, $2, d, n from unnest($3::date[], $4::int[]) as x(d, n)
    on conflict (tenant_id, source_name, day)
    do update set logins = source_login_days.logins + excluded.logins"""
_UPDATE_USERS = """insert into login_user_state (tenant_id, source_name, user_hash, last_login)
    select $1, $2, u, t from unnest($3::text[], $4::timestamptz[]) as x(u, t)
    on conflict (tenant_id, source_name, user_hash)
    do update set last_login = greatest(login_user_state.last_login, excluded.last_login)"""
_SUCCEEDED = """update login_source_state set
    watermark = greatest(watermark, $3), users_seen = $4, last_run_at = $5,
    last_outcome = 'succeeded', last_error_key = null, last_appended = $6::int,
    logins_appended = logins_appended + $6::int
    where tenant_id = $1 and source_name = $2"""
_FAILED = """insert into login_source_state (tenant_id, source_name, last_run_at, last_outcome,
    last_error_key) values ($1, $2, $3, 'failed', $4)
    on conflict (tenant_id, source_name) do update set last_run_at = excluded.last_run_at,
    last_outcome = 'failed', last_error_key = excluded.last_error_key, last_appended = null"""


async def _previous_users(conn: Any, key: tuple[str, str]) -> dict[str, datetime]:
    await conn.execute(_LOCK_STATE, *key)
    await conn.fetchrow(_SELECT_STATE, *key)
    return {row["user_hash"]: row["last_login"] for row in await conn.fetch(_SELECT_USERS, *key)}


async def _insert(conn: Any, key: tuple[str, str], logins: list[Login], now: datetime) -> list[Any]:
    users, instants = [u for u, _ in logins], [t for _, t in logins]
    rows = await conn.fetch(_INSERT_LOGINS, *key, users, instants, now)
    return [row["logged_in_at"] for row in rows]


async def _count(conn: Any, key: tuple[str, str], appended: list[datetime]) -> None:
    days = per_day(appended)
    await conn.execute(_COUNT_DAYS, *key, list(days), list(days.values()))


async def append_logins(
    conn: Any,
    key: tuple[str, str],
    snapshot: Snapshot,
    now: datetime,
    checkpoint: Checkpoint = _no_checkpoint,
) -> int:
    """Append the snapshot's new logins for source `key` (tenant, name); how many were new.

    Run inside the caller's transaction: every step commits with it, or none does.
    """
    logins = new_logins(await _previous_users(conn, key), snapshot)
    appended = await _insert(conn, key, logins, now)
    await checkpoint("logins-appended")
    await _count(conn, key, appended)
    await checkpoint("days-counted")
    await conn.execute(_UPDATE_USERS, *key, [u for u, _ in logins], [t for _, t in logins])
    await checkpoint("users-updated")
    watermark = max(snapshot.values(), default=None)
    await conn.execute(_SUCCEEDED, *key, watermark, len(snapshot), now, len(appended))
    return len(appended)


async def record_failure(conn: Any, key: tuple[str, str], now: datetime, message_key: str) -> None:
    """Note that the last run of source `key` failed, and why; nothing else changes."""
    await conn.execute(_FAILED, *key, now, message_key)
