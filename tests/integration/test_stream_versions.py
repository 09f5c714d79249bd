"""A stream's versions follow each other with no gap, enforced by the database (kernel
migration 0011): an event that skips ahead of its stream is refused on every append path,
while appends at the next version (one event, several, several streams, a group) go in."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, ClassVar

import asyncpg
import pytest

from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.group_commit import GroupCommit
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event
from ossature.runtime.system import System
from tests.integration.support import Tenant

store = EventStore()


class Noted(Event, frozen=True):
    name: ClassVar[str] = "versions-test-noted"
    version: ClassVar[int] = 1
    note: str


def notes(stream_id: str, expected: int, count: int = 1) -> PendingAppend:
    """`count` events for `stream_id`, appended as if it were at version `expected`."""
    return PendingAppend("note", stream_id, expected, tuple(Noted(note="n") for _ in range(count)))


async def append(tenant: Tenant, *pending: PendingAppend) -> None:
    """The transactional path: the events inserted in the caller's transaction."""
    db = tenant.system.db
    assert db is not None
    async with db.transaction(tenant.tenant_id) as conn:
        await store.append(conn, tenant.ctx("admin"), tenant.tenant_id, datetime.now(UTC), pending)


def record(tenant: Tenant) -> IdempotencyRecord:
    actor = tenant.actors["admin"]
    key = IdempotencyKey(tenant.tenant_id, actor.account_id, new_id())
    return IdempotencyRecord(key, "note", new_id(), {"ok": True})


async def append_once(tenant: Tenant, pending: PendingAppend) -> None:
    """The one-statement path: `ossature_append_one` for one event, the arrays for more."""
    db = tenant.system.db
    assert db is not None
    async with db.connection() as conn:
        ctx, now = tenant.ctx("admin"), datetime.now(UTC)
        await store.append_once(conn, ctx, now, [pending], record(tenant))


async def group(tenant: Tenant, *pending: PendingAppend) -> list[Any]:
    """One-event commits made at once through a group commit: each one's answer or error."""
    db = tenant.system.db
    assert db is not None
    commits = GroupCommit(db.pool, store)
    return list(
        await asyncio.gather(
            *(
                commits.append_once(tenant.ctx("admin"), datetime.now(UTC), [p], record(tenant), "")
                for p in pending
            ),
            return_exceptions=True,
        )
    )


async def versions(tenant: Tenant, stream_id: str) -> list[int]:
    db = tenant.system.db
    assert db is not None
    async with db.transaction(tenant.tenant_id, readonly=True) as conn:
        return [e.stream_version for e in (await store.load(conn, stream_id)).envelopes]


async def test_an_event_at_version_seven_after_one_is_refused_naming_the_rule(
    tenant: Tenant,
) -> None:
    """The transactional append of version 7 to a stream at 1 is a conflict, caused by the
    database's own refusal (its constraint named), and nothing is stored."""
    stream = new_id()
    await append(tenant, notes(stream, 0))
    # when
    with pytest.raises(ConcurrencyConflict) as refused:
        await append(tenant, notes(stream, 6))
    # then
    cause = refused.value.__cause__
    assert isinstance(cause, asyncpg.ForeignKeyViolationError)
    assert "events_stream_versions_contiguous" == cause.constraint_name
    assert [1] == await versions(tenant, stream)


async def test_a_stream_cannot_begin_past_version_one(tenant: Tenant) -> None:
    """A new stream's first event is version 1: one at version 2 has nothing to follow."""
    stream = new_id()

    with pytest.raises(ConcurrencyConflict):
        await append(tenant, notes(stream, 1))

    assert [] == await versions(tenant, stream)


async def test_one_statement_commits_that_skip_ahead_are_refused(tenant: Tenant) -> None:
    """The commit of one event (`ossature_append_one`) and of several (the arrays of
    `ossature_append_once`) are refused past the stream's next version, stored at it."""
    one, several = new_id(), new_id()
    await append_once(tenant, notes(one, 0))
    await append_once(tenant, notes(several, 0, count=2))
    # when
    with pytest.raises(ConcurrencyConflict):
        await append_once(tenant, notes(one, 6))
    with pytest.raises(ConcurrencyConflict):
        await append_once(tenant, notes(several, 3, count=2))
    await append_once(tenant, notes(one, 1))
    await append_once(tenant, notes(several, 2, count=3))
    # then
    assert ([1, 2], [1, 2, 3, 4, 5]) == (
        await versions(tenant, one),
        await versions(tenant, several),
    )


async def test_a_batch_of_several_streams_appends_at_their_next_versions(tenant: Tenant) -> None:
    """One append of several streams, several events each, new and existing: all go in."""
    old, new = new_id(), new_id()
    await append(tenant, notes(old, 0, count=2))
    # when
    await append(tenant, notes(old, 2, count=3), notes(new, 0, count=2))
    # then
    assert ([1, 2, 3, 4, 5], [1, 2]) == (await versions(tenant, old), await versions(tenant, new))


async def test_in_a_group_the_commit_that_skips_ahead_is_refused_and_the_others_go_in(
    tenant: Tenant,
) -> None:
    """Group commit: the next versions of existing streams and a new stream go in; the one
    commit past its stream's next version gets its conflict alone."""
    streams = [new_id() for _ in range(3)]
    for stream in streams:
        await append(tenant, notes(stream, 0))
    fresh = new_id()
    # when
    answers = await group(
        tenant, notes(streams[0], 1), notes(streams[1], 6), notes(streams[2], 1), notes(fresh, 0)
    )
    # then
    assert [False, True, False, False] == [isinstance(a, ConcurrencyConflict) for a in answers]
    assert [[1, 2], [1], [1, 2], [1]] == [
        await versions(tenant, stream) for stream in [*streams, fresh]
    ]


async def test_the_rule_holds_for_the_owner_too(system: System, tenant: Tenant) -> None:
    """Not a check of the application's code: a row inserted by hand, as the owner, that
    skips a version is refused by the database."""
    stream = new_id()
    await append(tenant, notes(stream, 0))
    owner = await asyncpg.connect(system.owner_url)
    try:
        await owner.execute(f"set app.tenant_id = '{tenant.tenant_id}'")  # an owner under RLS
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await owner.execute(
                "insert into events (event_id, event_type, schema_version, stream_type,"
                " stream_id, stream_version, tenant_id, occurred_at, payload, context)"
                " values ($1, 'versions-test-noted', 1, 'note', $2, 3, $3, now(), '{}', '{}')",
                new_id(),
                stream,
                tenant.tenant_id,
            )
    finally:
        await owner.close()
