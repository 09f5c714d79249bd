"""Group commit: one-event commits of concurrent invocations appended in one statement.

A command whose whole work is its commit runs it as one statement (decision 16). Under load
many such statements are in flight at once, each its own round trip and transaction. Here a
commit waits in one queue; the next group takes what waits (up to LIMIT), at the next turn
of the event loop, so nothing waits on a timer: a lone commit goes at once, as before, and
a busy process writes a few at a time. Each invocation is still answered with its own
outcome, once its group has committed.

One group is in flight at a time, and what arrives meanwhile waits for it, unless a
convoy gathers (decision 142): once GATHER commits wait behind a group in flight, they
are written beside it as a second group (at most LANES in flight), and a convoy of at
least twice GATHER waiting when nothing is in flight is written as two groups at once. So
the 32 clients of a benchmark, answered together, become two groups of 16 whose
statements take turns with their clients' Python instead of waiting for it, while commits
that arrive a few at a time (requests over HTTP) still go one group after another.

`ossature_append_group` (kernel/migrations/live) takes the items tenant by tenant, a
statement per step for all of a tenant's items (decision 135): it confines to the tenant,
checks each distinct guard, records the keys, and appends the events, writes the audit
entries and meters (decision 75) the items whose key was not recorded before. When it
refuses any item (a guard, a stream version taken, a quota reached), nothing of the group
is kept, and
each item is committed alone, as it would have been: its own refusal reaches it, the others
go in. Decision 20 says why, and what it measured.

When spans are recorded, each member's commit has its own span (UnitOfWork), in its own
invocation's trace; the statement that writes a group has one span, under the first
member's commit span and linked to every other member's (decision 103).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opentelemetry.trace import SpanContext, get_current_span
from prometheus_client import Counter, Histogram

from ossature.kernel import spans
from ossature.kernel.context import Context
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.idempotency import IdempotencyRecord
from ossature.kernel.messages import Envelope
from ossature.kernel.meter import Meter

__all__ = ["GATHER", "GIVEN_UP", "GROUP_SIZES", "LANES", "LIMIT", "GroupCommit", "group_size"]

LIMIT = 64  # commits in one statement at most
LANES = 2  # groups in flight at once, each on a connection of its own
GATHER = 16  # commits waiting behind a group in flight that are written beside it (decision 142)
GROUP_SIZES = Histogram(
    "ossature_group_commit_size",
    "Commits written by one statement of the group commit (1: a commit alone).",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
GIVEN_UP = Counter(
    "ossature_group_commit_given_up",
    "Groups given up because an item was refused (their commits then went in alone).",
)


def group_size(waiting: int, in_flight: int) -> int:
    """How many of the commits waiting the next group takes, with `in_flight` groups being
    written; 0 when they wait for a group in flight. With none in flight, all that wait, in
    equal groups, one a lane, when at least GATHER wait for each (decision 142); behind a
    group in flight, all once GATHER wait and a lane is free; never more than LIMIT."""
    if in_flight == 0:
        groups = min(LANES, max(1, waiting // GATHER))
        return min(LIMIT, -(-waiting // groups))
    if in_flight < LANES and waiting >= GATHER:
        return min(LIMIT, waiting)
    return 0


@dataclass
class _Commit:
    envelopes: list[Envelope]
    pending: Sequence[PendingAppend]
    record: IdempotencyRecord
    guard: str
    meter: Meter | None
    span: SpanContext | None  # the member's commit span, when spans are recorded
    answer: asyncio.Future[list[Envelope] | None]


class GroupCommit:
    """Gathers the one-event commits of one process's invocations on one pool."""

    def __init__(self, pool: Any, store: EventStore) -> None:
        self.pool, self.store = pool, store
        self._waiting: list[_Commit] = []
        self._in_flight = 0  # groups being written
        self._taking = False  # a take is due at the next turn of the loop
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop of the latest take
        self._writers: set[asyncio.Task[None]] = set()
        self.grouped = 0  # commits that went in a group of two or more (read by tests)

    @property
    def waiting(self) -> int:
        """Commits waiting for a group (read by tests)."""
        return len(self._waiting)

    async def append_once(
        self,
        ctx: Context,
        now: datetime,
        pending: Sequence[PendingAppend],
        record: IdempotencyRecord,
        guard: str,
        meter: Meter | None = None,
    ) -> list[Envelope] | None:
        """What `EventStore.append_once` does for a statement run alone (one event), in the
        next group: the events, or None when the key was recorded before."""
        envelopes = self.store.stamped(ctx, record.key.tenant_id, now, pending)
        if len(envelopes) != 1:
            raise ValueError("a group commit appends exactly one event")
        span = get_current_span().get_span_context() if spans.recording() else None
        if not self._taking:  # the commits made in this turn of the loop go with it
            self._taking = True
            self._loop = asyncio.get_running_loop()
            self._loop.call_soon(self._take)
        # The loop is asked once a turn, not once a commit: on Python 3.11 each asking is a
        # system call (getpid). With this and `new_trace_id`, the appends benchmark's client
        # spent 0.038 ms of CPU an append instead of 0.041 (docs/performance.md, "System
        # calls in a commit's client").
        assert self._loop is not None
        answer: asyncio.Future[list[Envelope] | None] = self._loop.create_future()
        self._waiting.append(_Commit(envelopes, pending, record, guard, meter, span, answer))
        return await answer

    def _take(self) -> None:
        """Starts the groups that are due (`group_size`)."""
        self._taking = False
        while size := group_size(len(self._waiting), self._in_flight):
            group, self._waiting = self._waiting[:size], self._waiting[size:]
            self._in_flight += 1
            assert self._loop is not None
            writer = self._loop.create_task(self._write(group))
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)

    async def _write(self, group: list[_Commit]) -> None:
        """One group's statement, then the groups now due; none once cancelled (a stop)."""
        try:
            GROUP_SIZES.observe(len(group))
            with _written(group):
                if len(group) == 1:
                    await self._alone(group[0])
                else:
                    await self._together(group)
        finally:
            self._in_flight -= 1
        self._take()

    async def _together(self, group: list[_Commit]) -> None:
        try:
            async with self.pool.acquire() as conn:
                appended = await self.store.append_group(
                    conn, [(c.envelopes[0], c.record, c.guard, c.meter) for c in group]
                )
        except Exception:  # an item refused (nothing was kept), or the connection failed
            GIVEN_UP.inc()
            for commit in group:  # each alone: a key the group did record is found recorded
                await self._alone(commit)
            return
        self.grouped += len(group)
        for commit, went_in in zip(group, appended, strict=True):
            _answer(commit, commit.envelopes if went_in else None)

    async def _alone(self, commit: _Commit) -> None:
        try:
            async with self.pool.acquire() as conn:
                envelopes = await self.store.append_stamped(
                    conn,
                    commit.envelopes,
                    commit.pending,
                    commit.record,
                    commit.guard,
                    commit.meter,
                )
        except Exception as error:
            if not commit.answer.done():
                commit.answer.set_exception(error)
            return
        _answer(commit, envelopes)


def _written(group: list[_Commit]) -> AbstractContextManager[object]:
    """The span of one group's statement, when its first member's commit has a span."""
    first = group[0].span
    if first is None:
        return contextlib.nullcontext()
    others = [c.span for c in group[1:] if c.span is not None]
    attributes = {"ossature.group.size": len(group)}
    return spans.span("group-commit", first, attributes=attributes, links=others)


def _answer(commit: _Commit, envelopes: list[Envelope] | None) -> None:
    if not commit.answer.done():  # its invocation may have been cancelled meanwhile
        commit.answer.set_result(envelopes)
