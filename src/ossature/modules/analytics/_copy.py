"""Consistent copies of a source's user table, reduced to (hashed email, last login) at once.

SQLite: the backup API copies the file into the staging directory while holding
a read lock, so the copy is one consistent state even while the application
writes; the copy is read, then deleted. PostgreSQL: one `REPEATABLE READ READ
ONLY` transaction is the consistent copy; its rows are hashed in memory and
nothing holding an address touches the disk. Every failure becomes a keyed error
without the driver's message (which may name the location).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from ossature.kernel.ids import new_id
from ossature.modules.analytics._locations import PostgresTarget, SourceTarget
from ossature.modules.analytics.errors import SourceMalformed, SourceUnreachable

__all__ = ["Snapshot", "hash_email", "reduce_users", "take_snapshot"]

STALE_AFTER = 3600
"""Seconds after which a staged copy is a leftover: no extract takes that long to read one."""

Snapshot = dict[str, datetime]
"""The last login of each user of a source, by salted hash of the email."""

_SQLITE_USERS = "select email, last_login from auth_user where last_login is not null"
_POSTGRES_USERS = """select email::text as email, last_login::timestamptz as last_login
    from auth_user where last_login is not null"""
_MALFORMED_PG = (
    asyncpg.UndefinedTableError,
    asyncpg.UndefinedColumnError,
    asyncpg.DataError,
    asyncpg.WrongObjectTypeError,
)


def hash_email(salt: bytes, email: str) -> str:
    """SHA-256 of the salt and the trimmed, lower-cased address, in hex."""
    return hashlib.sha256(salt + email.strip().lower().encode()).hexdigest()


def _instant(value: Any) -> datetime:
    """A last login as an aware UTC datetime (naive values are UTC, as Django stores them)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = datetime.fromtimestamp(value, UTC)
    if not isinstance(value, datetime):
        raise ValueError("not a time")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def reduce_users(salt: bytes, rows: Iterable[tuple[Any, Any]]) -> Snapshot:
    """Each hashed address with its latest last login; users without an address are skipped."""
    snapshot: Snapshot = {}
    for email, last_login in rows:
        if email is not None and not isinstance(email, str):
            raise SourceMalformed({"reason": "email"})
        if not email or not email.strip():
            continue
        try:
            at = _instant(last_login)
        except (ValueError, OverflowError, OSError):
            raise SourceMalformed({"reason": "last_login"}) from None
        user = hash_email(salt, email)
        snapshot[user] = max(at, snapshot.get(user, at))
    return snapshot


def _backup(source: Path, copy: Path) -> None:
    if not source.is_file():
        raise SourceUnreachable({"reason": "missing"})
    try:
        with (
            contextlib.closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
            contextlib.closing(sqlite3.connect(copy)) as dst,
        ):
            src.backup(dst)
    except sqlite3.OperationalError:
        raise SourceUnreachable({"reason": "unreadable"}) from None
    except sqlite3.Error:
        raise SourceMalformed({"reason": "not-sqlite"}) from None


def _read_copy(copy: Path) -> list[tuple[Any, Any]]:
    try:
        with contextlib.closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as conn:
            return list(conn.execute(_SQLITE_USERS))
    except sqlite3.Error:
        raise SourceMalformed({"reason": "no-user-table"}) from None


def _sweep(staging: Path, now: float) -> None:
    """Delete copies left by a process killed mid-extract (they hold addresses)."""
    for leftover in staging.iterdir():
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < now - STALE_AFTER:
                leftover.unlink()


def _sqlite_snapshot(source: Path, staging: Path, salt: bytes) -> Snapshot:
    staging.mkdir(mode=0o700, parents=True, exist_ok=True)
    _sweep(staging, time.time())
    copy = staging / f"{new_id()}.sqlite3"
    try:
        _backup(source, copy)
        return reduce_users(salt, _read_copy(copy))
    finally:
        for leftover in (copy, copy.with_name(copy.name + "-journal")):
            leftover.unlink(missing_ok=True)


async def _postgres_rows(target: PostgresTarget) -> list[tuple[Any, Any]]:
    conn = await asyncpg.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        password=target.password,
        database=target.database,
        ssl=target.sslmode,
        timeout=10,
        server_settings={"application_name": "ossature-analytics", "TimeZone": "UTC"},
    )
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            return [(row["email"], row["last_login"]) for row in await conn.fetch(_POSTGRES_USERS)]
    finally:
        await conn.close()


async def _postgres_snapshot(target: PostgresTarget, salt: bytes) -> Snapshot:
    try:
        rows = await _postgres_rows(target)
    except _MALFORMED_PG:
        raise SourceMalformed({"reason": "no-user-table"}) from None
    except Exception:  # refused, timed out, bad password, no such database: its text may name it
        raise SourceUnreachable({"reason": "connection"}) from None
    return reduce_users(salt, rows)


async def take_snapshot(target: SourceTarget, staging: Path, salt: bytes) -> Snapshot:
    """A consistent copy of the source's users, reduced to hashed addresses and last logins."""
    if isinstance(target, PostgresTarget):
        return await _postgres_snapshot(target, salt)
    return await asyncio.to_thread(_sqlite_snapshot, target, staging, salt)
