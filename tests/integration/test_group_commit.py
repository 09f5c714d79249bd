"""Group commit: one-event commits of concurrent invocations in one statement, each answered
with its own outcome; a refusal of one item leaves the others to go in alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, ClassVar

import asyncpg
from prometheus_client import REGISTRY

from ossature.kernel.context import Actor
from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.group_commit import GATHER, GroupCommit
from ossature.kernel.idempotency import IdempotencyKey, IdempotencyRecord
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event
from ossature.modules.identity.projections import CREDENTIAL_ENDED
from ossature.runtime.contexts import internal_context
from ossature.runtime.system import System
from tests.integration._push import until
from tests.integration.support import Tenant, open_session


class Noted(Event, frozen=True):
    name: ClassVar[str] = "group-test-noted"
    version: ClassVar[int] = 1
    note: str


def _sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def _beyond_statements() -> float:
    """Commits written in groups beyond one a statement, so far in this process: a commit
    written alone elsewhere adds nothing."""
    return _sample("ossature_group_commit_size_sum") - _sample("ossature_group_commit_size_count")


class _Commits:
    """Commits of one event each, for one tenant, through one GroupCommit."""

    def __init__(self, system: System, tenant: Tenant, guard: str) -> None:
        assert system.db is not None
        self.system, self.tenant, self.guard = system, tenant, guard
        self.group = GroupCommit(system.db.pool, EventStore())
        self.actor = Actor(
            account_id=new_id(), kind="user", tenant_id=tenant.tenant_id, mechanism="internal"
        )

    def append(
        self, stream_id: str | None = None, key: str | None = None, guard: str | None = None
    ) -> Any:
        ctx = internal_context(self.actor, key or new_id())
        record = IdempotencyRecord(
            IdempotencyKey(
                self.tenant.tenant_id, self.actor.account_id, ctx.trace.external_invocation_id
            ),
            "note",
            ctx.trace.invocation_id,
            {"ok": True},
        )
        pending = [PendingAppend("note", stream_id or new_id(), 0, (Noted(note="n"),))]
        return self.group.append_once(
            ctx, datetime.now(UTC), pending, record, self.guard if guard is None else guard
        )

    async def stored(self, event_ids: list[str]) -> list[str]:
        assert self.system.db is not None
        async with self.system.db.transaction(self.tenant.tenant_id, readonly=True) as conn:
            rows = await conn.fetch(
                "select event_id from events where event_id = any($1::text[])", event_ids
            )
        return sorted(row["event_id"] for row in rows)


async def test_concurrent_commits_go_in_one_group_each_answered_with_its_events(
    system: System, tenant: Tenant
) -> None:
    """Ten commits made at once: one statement writes them all, and each gets its own
    event back, stored once."""
    commits = _Commits(system, tenant, await open_session(system, tenant.tenant_id))
    before = _beyond_statements()
    # when
    answers = await asyncio.gather(*(commits.append() for _ in range(10)))
    # then
    event_ids = [envelopes[0].event_id for envelopes in answers]
    assert (10, 10) == (commits.group.grouped, len(set(event_ids)))
    assert sorted(event_ids) == await commits.stored(event_ids)
    # one statement of ten: nine more commits than statements
    assert 9.0 == _beyond_statements() - before


async def test_an_ended_session_in_a_group_is_refused_and_the_others_go_in(
    system: System, tenant: Tenant
) -> None:
    """One commit's guard names no open session: the group is given up, that commit gets
    SQLSTATE OS401 and the four others are committed alone."""
    commits = _Commits(system, tenant, await open_session(system, tenant.tenant_id))
    given_up = _sample("ossature_group_commit_given_up_total")
    # when
    answers = await asyncio.gather(
        *(commits.append() for _ in range(2)),
        commits.append(guard=new_id()),
        *(commits.append() for _ in range(2)),
        return_exceptions=True,
    )
    # then
    refused = answers[2]
    assert isinstance(refused, asyncpg.PostgresError)
    assert CREDENTIAL_ENDED == refused.sqlstate
    kept = [a[0].event_id for i, a in enumerate(answers) if i != 2]  # type: ignore[index]
    assert (0, sorted(kept)) == (commits.group.grouped, await commits.stored(kept))
    assert 1.0 == _sample("ossature_group_commit_given_up_total") - given_up


async def test_a_key_repeated_within_a_group_appends_once(system: System, tenant: Tenant) -> None:
    """Two commits with one idempotency key in the same group: one appends its event, the
    other is told the key was recorded before (None) and appends nothing."""
    commits = _Commits(system, tenant, await open_session(system, tenant.tenant_id))
    key = new_id()
    # when
    first, second, other = await asyncio.gather(
        commits.append(key=key), commits.append(key=key), commits.append()
    )
    # then
    assert first is not None and second is None and other is not None
    event_ids = [first[0].event_id, other[0].event_id]
    assert (3, sorted(event_ids)) == (commits.group.grouped, await commits.stored(event_ids))


async def test_a_stream_version_taken_within_a_group_is_a_conflict_for_the_second(
    system: System, tenant: Tenant
) -> None:
    """Two commits of version 1 of one stream in the same group: the group is given up, the
    first goes in alone, the second gets ConcurrencyConflict."""
    commits = _Commits(system, tenant, await open_session(system, tenant.tenant_id))
    stream = new_id()
    # when
    first, second = await asyncio.gather(
        commits.append(stream_id=stream), commits.append(stream_id=stream), return_exceptions=True
    )
    # then
    assert isinstance(second, ConcurrencyConflict)
    assert not isinstance(first, BaseException)
    assert [first[0].event_id] == await commits.stored([first[0].event_id])


async def test_the_pipeline_groups_concurrent_creations(system: System, tenant: Tenant) -> None:
    """Twenty create-project invocations at once through the pipeline: all succeed, some in a
    group, each project listed once."""
    assert system.pipeline is not None
    before = system.pipeline.group.grouped
    folder = tenant.folders["EU"]
    names = [f"grouped {i} {new_id()}" for i in range(20)]
    # when
    results = await asyncio.gather(
        *(
            tenant.invoke("admin", "command", "create-project", {"folderId": folder, "name": n})
            for n in names
        )
    )
    # then
    assert [200] * 20 == [result.status for result in results]
    assert system.pipeline.group.grouped > before
    ids = {result.body["projectId"] for result in results}
    assert 20 == len(ids)


async def _waiting_on_a_lock(system: System) -> bool:
    assert system.db is not None
    async with system.db.connection() as conn:
        waiting = await conn.fetchval(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
            " and query like 'select ossature_append_group%'"
        )
    return bool(waiting)


async def test_a_convoy_behind_a_held_group_is_written_beside_it(
    system: System, tenant: Tenant
) -> None:
    """A group held in PostgreSQL (one of its keys being recorded by a transaction still
    open): fewer than GATHER commits made after it wait for it; the GATHER-th makes them a
    group of their own, written and answered while the first waits (decision 142). The held
    group goes in once that transaction ends, the held key found recorded before."""
    assert system.db is not None
    commits = _Commits(system, tenant, await open_session(system, tenant.tenant_id))
    key = new_id()
    async with system.db.transaction(tenant.tenant_id) as holder:
        await holder.execute(
            "insert into idempotency_records (tenant_id, actor_id, key, command, invocation_id,"
            " outcome) values ($1, $2, $3, 'note', $4, '{}')",
            tenant.tenant_id,
            commits.actor.account_id,
            key,
            new_id(),
        )
        held = [
            asyncio.ensure_future(commits.append(key=key)),
            asyncio.ensure_future(commits.append()),
        ]
        await until(lambda: _waiting_on_a_lock(system))
        few = [asyncio.ensure_future(commits.append()) for _ in range(GATHER - 1)]
        await until(lambda: commits.group.waiting == GATHER - 1)
        before = _beyond_statements()
        # when
        convoy = await asyncio.wait_for(asyncio.gather(*few, commits.append()), timeout=60)
        # then
        assert (GATHER, GATHER - 1) == (commits.group.grouped, _beyond_statements() - before)
        assert not any(commit.done() for commit in held)
        event_ids = [envelopes[0].event_id for envelopes in convoy]
        assert sorted(event_ids) == await commits.stored(event_ids)
    first, second = await asyncio.gather(*held)
    assert (first, second is not None) == (None, True)
    assert (GATHER + 2, [second[0].event_id]) == (
        commits.group.grouped,
        await commits.stored([second[0].event_id]),
    )


async def test_a_convoy_of_two_groups_worth_is_written_as_two_groups_at_once(
    system: System, tenant: Tenant
) -> None:
    """Twice GATHER commits made at once with nothing in flight: two statements of GATHER
    (started together), every commit answered with its event and stored once."""
    commits = _Commits(system, tenant, await open_session(system, tenant.tenant_id))
    before = _beyond_statements()
    # when
    answers = await asyncio.gather(*(commits.append() for _ in range(2 * GATHER)))
    # then
    event_ids = [envelopes[0].event_id for envelopes in answers]
    assert (2 * GATHER, 2 * (GATHER - 1)) == (
        commits.group.grouped,
        _beyond_statements() - before,
    )
    assert sorted(event_ids) == await commits.stored(event_ids)
