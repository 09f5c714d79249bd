"""Log-in throttling's rules (decision 53): pure functions of counts and times.

Each subject (an account, named by a keyed hash of its email, and an address) has failures
counted in a window. When the count reaches the subject's limit, the subject is locked: its
log-ins are refused before any password hashing, until `locked_until`. The n-th lock in a
row lasts `min(BASE * 2^(n-1), CAP)`: 1, 2, 4, 8 ... minutes, at most an hour. A lock in a
row is one engaged less than a window after the previous one ended; a success resets an
account (never an address: one good account must not clear an attacker's address).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

__all__ = ["Attempts", "Rules", "delay", "locked_for", "on_failure"]

SubjectKind = Literal["account", "address"]


@dataclass(frozen=True)
class Rules:
    """How many failures in which window lock a subject, and for how long."""

    account_limit: int = 5
    address_limit: int = 20
    window: timedelta = timedelta(minutes=15)
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=1)

    def limit(self, kind: SubjectKind) -> int:
        return self.account_limit if kind == "account" else self.address_limit


@dataclass(frozen=True)
class Attempts:
    """A subject's state: failures in the window begun at `window_start`, the end of its
    lock, and how many locks in a row it has had."""

    failures: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None
    locks: int = 0


def delay(rules: Rules, locks: int) -> timedelta:
    """How long the `locks`-th lock in a row lasts: BASE * 2^(locks-1), at most CAP."""
    seconds = rules.base.total_seconds() * 2 ** min(max(locks - 1, 0), 32)
    return timedelta(seconds=min(seconds, rules.cap.total_seconds()))


def locked_for(attempts: Attempts, now: datetime) -> int:
    """Whole seconds until the subject may try again (0: not locked): Retry-After."""
    if attempts.locked_until is None or attempts.locked_until <= now:
        return 0
    return math.ceil((attempts.locked_until - now).total_seconds())


def on_failure(
    rules: Rules, kind: SubjectKind, attempts: Attempts, now: datetime
) -> tuple[Attempts, bool]:
    """The state after one more failure, and whether it engaged a lock."""
    if attempts.window_start is None or now - attempts.window_start >= rules.window:
        quiet = attempts.locked_until is None or now - attempts.locked_until >= rules.window
        attempts = Attempts(0, now, attempts.locked_until, 0 if quiet else attempts.locks)
    failures = attempts.failures + 1
    if failures < rules.limit(kind):
        return replace(attempts, failures=failures), False
    locks = attempts.locks + 1
    return Attempts(0, now, now + delay(rules, locks), locks), True
