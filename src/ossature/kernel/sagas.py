"""Sagas (process managers): a rule over several streams, kept by reacting to events.

A module declares a `Saga`: the event types it reacts to, the correlation read from each, a
reaction per type (it reads the saga's own tables, then returns each saga's next step, a
pure decision), the timeout step, and a deadline. A reaction may take a run of consecutive
events of one tenant and one type in one call (`runs`), as a projection's may: it reads and
writes a statement per run, not per event, and decides in the store's order (decision 125). The reactions run as a projection
(`saga-<name>`) fed by a `ProjectionRunner`: the sagas' new state, the commands their steps
send (kept in `saga_commands`, an outbox) and the checkpoint move in one transaction, so an
event is reacted to once in effect (decision 106). The commands are sent after the commit,
through the pipeline, each under the idempotency key `saga:<saga id>:<step>`: one sent again
after a crash answers its first outcome. Each carries the causing event's context, forked (a
new invocation id, its parent the cause's), acting as the saga: a service actor of the
tenant holding the saga's role at the step's folder.

The scheduler fires the timeout step of the sagas past their deadline (`fire_timeouts`) and
sends its commands; one that cannot finish is marked `stuck`, counted (`ossature_sagas_stuck`) and logged at
error level (`saga.stuck`), an alert.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec
from prometheus_client import Gauge

from ossature.kernel._saga_outbox import Invoke, send_pending
from ossature.kernel.consumers import ProjectionRunner
from ossature.kernel.context import Actor, Context, Grant, encode_context
from ossature.kernel.database import Database
from ossature.kernel.logging import get_logger
from ossature.kernel.messages import Envelope, EventTypes
from ossature.kernel.projection import Projection

__all__ = [
    "STATES",
    "ReactRun",
    "Reacted",
    "Running",
    "Saga",
    "SagaRecord",
    "SagaRunner",
    "SagaState",
    "Send",
    "Step",
    "count_sagas",
    "fire_timeouts",
    "saga_actor",
    "send_pending",
]

SagaState = Literal["running", "completed", "compensated", "stuck"]
STATES: tuple[SagaState, ...] = ("running", "completed", "compensated", "stuck")

SAGAS = Gauge("ossature_sagas", "Sagas by state.", ["state"])
SAGAS_STUCK = Gauge("ossature_sagas_stuck", "Sagas now stuck: past their deadline, unfinished.")

_log = get_logger("ossature.sagas")


@dataclass(frozen=True)
class Send:
    """A command a step sends: `step` names it within its saga (its idempotency key's end);
    the saga's actor holds the saga's role at the folder `scope`."""

    step: str
    command: str
    payload: Mapping[str, Any]
    scope: str


@dataclass(frozen=True)
class Step:
    """What a saga does next: its new state and data, and the commands it sends."""

    state: SagaState
    data: Mapping[str, Any]
    sends: tuple[Send, ...] = ()


@dataclass(frozen=True)
class SagaRecord:
    """A saga as stored."""

    saga_id: str
    tenant_id: str
    saga_type: str
    correlation: str
    state: SagaState
    data: Mapping[str, Any]
    deadline: datetime | None
    context: Context


Update = tuple[str, Step]  # a saga's id and its next step
Reacted = tuple[Envelope, str, Step]  # the causing event, a saga's id, its next step
Running = Mapping[str, Sequence[SagaRecord]]  # the running sagas by correlation
React = Callable[[Any, Sequence[SagaRecord], Envelope], Awaitable[Sequence[Update]]]
ReactRun = Callable[[Any, Running, Sequence[Envelope]], Awaitable[Sequence[Reacted]]]


@dataclass(frozen=True)
class Saga:
    """A process manager: `reactions` by event type get the transaction, the running sagas of
    the event's correlation and the event, and answer the steps taken (a new saga's id is
    the starting event's); `runs` by event type get a run of one tenant's events of that
    type, the running sagas of their correlations as they were before the run, and answer
    each step with its cause, deciding in the run's order; `timeout` is the step of a saga
    past its deadline."""

    name: str
    reactions: Mapping[str, React]
    correlation: Callable[[Envelope], str]
    timeout: Callable[[SagaRecord], Step]
    deadline: timedelta
    role: str  # the role its actor holds at each command's scope
    tables: tuple[str, ...] = ()  # its own tables besides sagas
    runs: Mapping[str, ReactRun] = field(default_factory=dict)

    @property
    def projection(self) -> Projection:
        """The projection that runs the reactions (its checkpoint is the saga's)."""

        async def react(conn: Any, envelope: Envelope) -> None:
            await _react(self, conn, envelope)

        async def react_run(conn: Any, run: Sequence[Envelope]) -> None:
            await _react_run(self, conn, run)

        handlers = dict.fromkeys(self.reactions, react)
        runs = dict.fromkeys(self.runs, react_run)
        return Projection(f"saga-{self.name}", handlers, ("sagas", *self.tables), runs=runs)


def saga_actor(saga: str, tenant_id: str, role: str, scope: str) -> Actor:
    """The service actor a saga's command runs as: its role at one folder, nothing else."""
    return Actor(
        account_id=f"saga.{saga}",
        kind="service",
        tenant_id=tenant_id,
        mechanism="internal",
        grants=(Grant(role=role, folder_id=scope),),
    )


def sent_context(saga: Saga, saga_id: str, tenant_id: str, cause: Context, send: Send) -> Context:
    """The context a step's command runs in: the cause's, forked, acting as the saga, keyed
    by the saga and the step."""
    forked = cause.fork().acting_as(saga_actor(saga.name, tenant_id, saga.role, send.scope))
    key = f"saga:{saga_id}:{send.step}"
    trace = msgspec.structs.replace(forked.trace, external_invocation_id=key)
    return msgspec.structs.replace(forked, trace=trace)


_RUNNING = """select * from sagas where saga_type = $1 and correlation = any($2::text[])
    and state = 'running' order by started_at, saga_id for update"""
_WRITE = """insert into sagas (saga_id, tenant_id, saga_type, correlation, state, data,
    deadline, context)
    select s.saga_id, s.tenant_id, $1, s.correlation, s.state, s.data, s.deadline, s.context
    from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
        $7::timestamptz[], $8::jsonb[])
        as s (saga_id, tenant_id, correlation, state, data, deadline, context)
    on conflict (saga_id) do update set state = excluded.state, data = excluded.data,
    deadline = excluded.deadline, updated_at = now()"""
_QUEUE = """insert into saga_commands (saga_id, step, tenant_id, command, payload, context)
    select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[],
        $6::text[])
    on conflict do nothing"""


async def _react(saga: Saga, conn: Any, envelope: Envelope) -> None:
    """React to one event."""
    running = await _running(saga, conn, [envelope])
    found = running.get(saga.correlation(envelope), ())
    updates = await saga.reactions[envelope.event_type](conn, found, envelope)
    await _store(saga, conn, [(envelope, saga_id, step) for saga_id, step in updates])


async def _react_run(saga: Saga, conn: Any, run: Sequence[Envelope]) -> None:
    """React to a run of one tenant's events of one type."""
    running = await _running(saga, conn, run)
    await _store(saga, conn, await saga.runs[run[0].event_type](conn, running, run))


async def _running(saga: Saga, conn: Any, envelopes: Sequence[Envelope]) -> Running:
    """The running sagas of the envelopes' correlations, locked, by correlation."""
    correlations = list({saga.correlation(envelope) for envelope in envelopes})
    found: dict[str, list[SagaRecord]] = {}
    for row in await conn.fetch(_RUNNING, saga.name, correlations):
        found.setdefault(row["correlation"], []).append(_record(row))
    return found


async def _store(saga: Saga, conn: Any, reacted: Sequence[Reacted]) -> None:
    """Each saga's last step stored (a deadline while running), and the commands of every
    step queued in its cause's context, forked: a statement for each, whatever their number."""
    last = {saga_id: (envelope, step) for envelope, saga_id, step in reacted}
    if not last:
        return
    rows = [_saga_row(saga, saga_id, envelope, step) for saga_id, (envelope, step) in last.items()]
    await conn.execute(_WRITE, saga.name, *map(list, zip(*rows, strict=True)))
    queued = [_queued(saga, e, saga_id, send) for e, saga_id, s in reacted for send in s.sends]
    if queued:
        await conn.execute(_QUEUE, *map(list, zip(*queued, strict=True)))


def _saga_row(saga: Saga, saga_id: str, cause: Envelope, step: Step) -> tuple[Any, ...]:
    due = cause.occurred_at + saga.deadline if step.state == "running" else None
    context = msgspec.to_builtins(cause.context)
    correlation = saga.correlation(cause)
    return (saga_id, cause.tenant_id, correlation, step.state, dict(step.data), due, context)


def _queued(saga: Saga, cause: Envelope, saga_id: str, send: Send) -> tuple[Any, ...]:
    ctx = encode_context(sent_context(saga, saga_id, cause.tenant_id, cause.context, send))
    return (saga_id, send.step, cause.tenant_id, send.command, dict(send.payload), ctx)


def _record(row: Any) -> SagaRecord:
    return SagaRecord(
        saga_id=row["saga_id"],
        tenant_id=row["tenant_id"],
        saga_type=row["saga_type"],
        correlation=row["correlation"],
        state=row["state"],
        data=row["data"],
        deadline=row["deadline"],
        context=msgspec.convert(row["context"], Context),
    )


_DUE = """select * from sagas where state = 'running' and deadline <= $1
    and saga_type = any($2::text[]) order by deadline limit $3 for update skip locked"""
_TIMED_OUT = """update sagas set state = $2, data = $3, deadline = $4, updated_at = now()
    where saga_id = $1"""


async def fire_timeouts(
    db: Database, sagas: Sequence[Saga], now: datetime, invoke: Invoke, limit: int = 100
) -> list[SagaRecord]:
    """Take the timeout step of each running saga past its deadline at `now` (each by one
    scheduler only), then send its commands; the sagas it left stuck, each logged as an
    alert. A send lost to a crash is sent at the next deadline, as the next step."""
    by_name = {saga.name: saga for saga in sagas}
    fired: list[tuple[SagaRecord, Step]] = []
    async with db.transaction(None) as conn:
        for row in await conn.fetch(_DUE, now, list(by_name), limit):
            record = _record(row)
            step = by_name[record.saga_type].timeout(record)
            due = now + by_name[record.saga_type].deadline if step.state == "running" else None
            await conn.execute(_TIMED_OUT, record.saga_id, step.state, dict(step.data), due)
            fired.append((record, step))
    for record, step in fired:
        saga = by_name[record.saga_type]
        for send in step.sends:
            ctx = sent_context(saga, record.saga_id, record.tenant_id, record.context, send)
            answer = await invoke("command", send.command, dict(send.payload), ctx)
            if answer.status >= 500:
                _log.warning("saga.send-failed", step=send.step, status=answer.status)
    stuck = [
        dataclasses.replace(r, state="stuck", data=s.data) for r, s in fired if s.state == "stuck"
    ]
    for record in stuck:
        _log.error(
            "saga.stuck",
            saga_id=record.saga_id,
            saga_type=record.saga_type,
            correlation=record.correlation,
            **record.context.log_fields(),
        )
    return stuck


async def count_sagas(db: Database) -> dict[str, int]:
    """Every tenant's sagas by state (each state present), and the gauges set to them."""
    async with db.transaction(None, readonly=True) as conn:
        rows = await conn.fetch("select state, count(*) as n from sagas group by state")
    counts = dict.fromkeys(STATES, 0) | {row["state"]: row["n"] for row in rows}
    for state, n in counts.items():
        SAGAS.labels(state).set(n)
    SAGAS_STUCK.set(counts["stuck"])
    return counts


class SagaRunner(ProjectionRunner):
    """Feeds one saga from its durable consumer; after each catch-up, sends what it queued."""

    def __init__(
        self,
        db: Database,
        source: Database,
        nc: Any,
        saga: Saga,
        invoke: Invoke,
        types: EventTypes | None = None,
    ) -> None:
        """As a ProjectionRunner's; `invoke` runs a command (the pipeline's)."""
        super().__init__(db, source, nc, saga.projection, types=types)
        self.saga, self.invoke = saga, invoke

    async def catch_up(self, partitions: Collection[int] | None = None) -> int:
        """Apply every readable event after the checkpoints of `partitions` (all when None),
        then send the queued commands."""
        applied = await super().catch_up(partitions)
        await send_pending(self.db, self.invoke)
        return applied
