"""Group commit: one-event commits of concurrent invocations appended in one statement.

A command whose whole work is its commit runs it as one statement (decision 16). Under load
many such statements are in flight at once, each its own round trip and transaction. Here a
commit joins the queue of one of LANES lanes; while a lane's group is being written, the
commits that arrive in it wait, and its next group takes them all (up to LIMIT), so nothing
waits on a timer: a lone commit goes at once, as before, and a busy process writes a few at
a time. Each invocation is still answered with its own outcome, once its group has
committed.

A commit joins the first lane that is idle or holds fewer than GATHER commits waiting, else
the lane with the shortest queue. So the second lane is taken only when GATHER commits
already wait behind the first: a few commits made at once go in one group, and a process
whose statements keep up writes one group at a time, as before, but a convoy of many (the
clients of the last group, answered together) is split in two groups in flight, each still
large (decision 137). GATHER is 32 (decision 139): a statement's own cost is spread over
more commits, and 32 clients are written one group of 32 at a time.

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
from dataclasses import dataclass, field
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

__all__ = ["GATHER", "GIVEN_UP", "GROUP_SIZES", "LANES", "LIMIT", "GroupCommit"]

LIMIT = 64  # commits in one statement at most
LANES = 2  # groups in flight at once, each on a connection of its own
GATHER = 32  # commits waiting in a lane before the next lane is taken (decision 139)
GROUP_SIZES = Histogram(
    "ossature_group_commit_size",
    "Commits written by one statement of the group commit (1: a commit alone).",
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
GIVEN_UP = Counter(
    "ossature_group_commit_given_up",
    "Groups given up because an item was refused (their commits then went in alone).",
)


@dataclass
class _Commit:
    envelopes: list[Envelope]
    pending: Sequence[PendingAppend]
    record: IdempotencyRecord
    guard: str
    meter: Meter | None
    span: SpanContext | None  # the member's commit span, when spans are recorded
    answer: asyncio.Future[list[Envelope] | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass
class _Lane:
    """Commits waiting for one writer, and that writer while it runs."""

    queue: list[_Commit] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


class GroupCommit:
    """Gathers the one-event commits of one process's invocations on one pool."""

    def __init__(self, pool: Any, store: EventStore) -> None:
        self.pool, self.store = pool, store
        self._lanes = [_Lane() for _ in range(LANES)]
        self.grouped = 0  # commits that went in a group of two or more (read by tests)

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
        commit = _Commit(envelopes, pending, record, guard, meter, span)
        lane = self._lane()
        lane.queue.append(commit)
        if lane.writer is None:
            lane.writer = asyncio.ensure_future(self._write(lane))
        return await commit.answer

    def _lane(self) -> _Lane:
        """The lane a commit joins: the first idle or with fewer than GATHER waiting, else
        the least queued."""
        for lane in self._lanes:
            if lane.writer is None or len(lane.queue) < GATHER:
                return lane
        return min(self._lanes, key=lambda lane: len(lane.queue))

    async def _write(self, lane: _Lane) -> None:
        try:
            while lane.queue:
                group, lane.queue = lane.queue[:LIMIT], lane.queue[LIMIT:]
                GROUP_SIZES.observe(len(group))
                with _written(group):
                    if len(group) == 1:
                        await self._alone(group[0])
                    else:
                        await self._together(group)
        finally:
            lane.writer = None

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
