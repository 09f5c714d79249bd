"""Log-in throttling's state in PostgreSQL (decision 53); the rules are in `_throttle.py`.

`refuse_when_locked` runs in log-in's own transaction, before any password hashing: one
statement. A failure is counted by `count_failure` in a short transaction of its own, so
that it stays although the log-in's transaction rolls back (it answers 401 or 429); the
event `log-ins-throttled`, appended when a lock engages, goes in that transaction too.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from prometheus_client import Counter

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.messages import Event
from ossature.modules.identity._throttle import Attempts, Rules, SubjectKind, locked_for, on_failure
from ossature.modules.identity.errors import TooManyAttempts

__all__ = [
    "THROTTLED",
    "LogInsThrottled",
    "Subjects",
    "count_failure",
    "email_digest",
    "forget_account",
    "refuse_when_locked",
]

THROTTLED = Counter(
    "ossature_login_throttled_total",
    "Log-in locks engaged (too many failures for an account or from an address).",
    ["kind"],
)


class LogInsThrottled(Event, frozen=True):
    """A lock engaged: log-ins of `subject` are refused until `lockedUntil` (epoch s)."""

    name = "log-ins-throttled"

    kind: Literal["account", "address"]
    subject: str
    locked_until: int
    locks: int


def email_digest(key: bytes, email: str) -> str:
    """A keyed hash of an email: names an account, known or not, without the email."""
    return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Subjects:
    """What one log-in attempt is counted against."""

    account: str  # "account:<email digest>"
    address: str | None  # "address:<ip>", unless the attempt has no address

    @classmethod
    def of(cls, digest: str, address: str | None) -> Subjects:
        """The account, and the address unless it is none or a loopback address."""
        counted = address if address and not _is_loopback(address) else None
        return cls(f"account:{digest}", f"address:{counted}" if counted else None)

    def each(self) -> list[tuple[str, SubjectKind]]:
        both: list[tuple[str, SubjectKind]] = [(self.account, "account")]
        return both + ([(self.address, "address")] if self.address else [])


def _is_loopback(address: str) -> bool:
    """A loopback address names this machine, not a client: every request of `ossature up`
    on a laptop, and every request through a proxy on the same host that is not listed in
    OSSATURE_TRUSTED_PROXIES. Counting it would lock out every user behind it at once, which
    the address rule exists to prevent, so only the account rule applies to it."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


async def refuse_when_locked(conn: Any, subjects: Subjects, now: datetime) -> bool:
    """TooManyAttempts (with the seconds to wait) when a subject is locked; else whether the
    account has failures on record (a success must then forget them)."""
    rows = await conn.fetch(
        "select subject, locked_until from login_throttle where subject = any($1)",
        [subject for subject, _ in subjects.each()],
    )
    wait = max((locked_for(Attempts(locked_until=r["locked_until"]), now) for r in rows), default=0)
    if wait:
        raise TooManyAttempts({"retryAfter": wait})
    return any(row["subject"] == subjects.account for row in rows)


async def forget_account(conn: Any, subjects: Subjects) -> None:
    """A success: the account's failures and locks are forgotten (the address's are not)."""
    await conn.execute("delete from login_throttle where subject = $1", subjects.account)


async def count_failure(
    db: Database,
    store: EventStore,
    ctx: Context,
    tenant_id: str,
    subjects: Subjects,
    now: datetime,
    rules: Rules,
) -> None:
    """Count one failure against each subject, in a transaction of `db` (a pool's own, not
    the invocation's); a lock engaged appends `log-ins-throttled` there and counts in
    `ossature_login_throttled_total`."""
    engaged: list[tuple[SubjectKind, str, Attempts]] = []
    async with db.transaction(tenant_id) as conn:
        for subject, kind in subjects.each():  # always in this order: no deadlock
            before = await _locked_row(conn, tenant_id, subject, now)
            after, locked = on_failure(rules, kind, before, now)
            await _save(conn, tenant_id, subject, after)
            if locked:
                engaged.append((kind, subject, after))
        for kind, subject, after in engaged:
            await _append_engaged(conn, store, ctx, tenant_id, now, kind, subject, after)
        await _forget_stale(conn, now - rules.window - rules.cap)
    for kind, _, _ in engaged:
        THROTTLED.labels(kind).inc()


async def _forget_stale(conn: Any, before: datetime) -> None:
    """Delete a few rows whose window began before `before`: past their window and any lock
    they had, they can change no decision. A failure adds at most two rows and deletes up to
    ten, so an attack with ever new emails and addresses does not grow the table forever."""
    await conn.execute(
        "delete from login_throttle where ctid in"
        " (select ctid from login_throttle where window_start < $1 limit 10)",
        before,
    )


async def _locked_row(conn: Any, tenant_id: str, subject: str, now: datetime) -> Attempts:
    row = await conn.fetchrow(
        "insert into login_throttle (tenant_id, subject, failures, window_start, locks)"
        " values ($1, $2, 0, $3, 0) on conflict (tenant_id, subject)"
        " do update set failures = login_throttle.failures"
        " returning failures, window_start, locked_until, locks",
        tenant_id,
        subject,
        now,
    )
    return Attempts(row["failures"], row["window_start"], row["locked_until"], row["locks"])


async def _save(conn: Any, tenant_id: str, subject: str, attempts: Attempts) -> None:
    await conn.execute(
        "update login_throttle set failures = $3, window_start = $4, locked_until = $5,"
        " locks = $6 where tenant_id = $1 and subject = $2",
        tenant_id,
        subject,
        attempts.failures,
        attempts.window_start,
        attempts.locked_until,
        attempts.locks,
    )


async def _append_engaged(
    conn: Any,
    store: EventStore,
    ctx: Context,
    tenant_id: str,
    now: datetime,
    kind: SubjectKind,
    subject: str,
    attempts: Attempts,
) -> None:
    """The event of one lock: its stream is the subject's; the version is read in the
    transaction that holds the subject's row, so concurrent failures cannot collide."""
    assert attempts.locked_until is not None
    stream_id = f"{tenant_id}.throttle.{subject}"
    version = await conn.fetchval(
        "select coalesce(max(stream_version), 0) from events where stream_id = $1", stream_id
    )
    event = LogInsThrottled(
        kind=kind,
        subject=subject,
        locked_until=int(attempts.locked_until.timestamp()),
        locks=attempts.locks,
    )
    pending = [PendingAppend("login-throttle", stream_id, version, (event,))]
    await store.append(conn, ctx, tenant_id, now, pending)
