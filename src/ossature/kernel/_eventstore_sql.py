"""The event store's statements and its rows: the SQL it sends, and envelopes to and from
columns. Internal to `kernel/eventstore.py`."""

from __future__ import annotations

from typing import Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.idempotency import IdempotencyRecord
from ossature.kernel.messages import Envelope, EventTypes
from ossature.kernel.meter import Meter

# An envelope's fields, read from the columns of the same name but for two: the context is
# read as text and decoded straight into a Context (a third of the cost of decoding it into
# a dict and converting that), the transaction id as a number.
_FIELDS = (
    "event_id",
    "event_type",
    "schema_version",
    "stream_type",
    "stream_id",
    "stream_version",
    "tenant_id",
    "occurred_at",
    "payload",
    "context",
    "originating_event_id",
    "causing_event_id",
    "transaction_id",
    "position",
)
_READ_AS = {
    "context": "context::text as context",
    "transaction_id": "transaction_id::text::bigint as transaction_id",
}
_COLUMNS = ", ".join(_READ_AS.get(name, name) for name in _FIELDS)
_WRITTEN = len(_FIELDS) - 2  # the columns an append sends: the store makes the position


def _placeholders(count: int) -> str:
    """`$1, $2, …, $count`: the parameters of a function call."""
    return ", ".join(f"${n}" for n in range(1, count + 1))


_INSERT = """insert into events (event_id, event_type, schema_version, stream_type, stream_id,
    stream_version, tenant_id, occurred_at, payload, context, originating_event_id,
    causing_event_id)
    select * from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[],
    $7::text[], $8::timestamptz[], $9::jsonb[], $10::jsonb[], $11::text[], $12::text[])"""

# The idempotency record and the events in one statement (kernel migrations 0004, 0007):
# the events go in only when the record did (a repeat of the key appends nothing), and the
# answer says which happened. The statement confines itself to the tenant and checks the
# guard (`ossature_guard`) first, so it may also be a transaction of its own.
# The same statement writes the command's audit entry (decision 33).
# And it meters the command (decision 75): `ossature_meter_commit` counts the operation
# against the tenant's quota, or raises and nothing is kept.
# Its arguments: the tenant and the guard, the events' columns, the idempotency record's five
# columns, its outcome and its fingerprint; for many events (or none), the audit entry's
# context and time; last the meter's module and folder (nulls: not metered).
_APPEND_ARGUMENTS = 2 + _WRITTEN + 7
_APPEND_ONCE = f"select ossature_append_once({_placeholders(_APPEND_ARGUMENTS + 2 + 2)})"
# The same for a single event, its columns as plain values (kernel migrations 0005, 0007); the
# audit entry takes the event's context and time.
_APPEND_ONE = f"select ossature_append_one({_placeholders(_APPEND_ARGUMENTS + 2)})"

# Several one-event commits as one JSON array (kernel migration 0009, decision 20).
_APPEND_GROUP = "select ossature_append_group($1::jsonb)"

# Every event of some streams, in order; the ids are a parameter. Each stream is its own
# probe of the (stream_id, stream_version) index: a subquery with an order is not flattened
# into a join. Read as `stream_id = any(...)`, a batch of 200 ids against a table of tens of
# thousands of events was planned as a scan of every event (docs/performance.md, "Streams
# read by scanning every event").
_READ_STREAMS = f"""select found.* from unnest($1::text[]) as wanted(id)
    cross join lateral (
        select {_COLUMNS} from events where events.stream_id = wanted.id
        order by events.stream_version) as found
    order by found.stream_id, found.stream_version"""  # noqa: S608 (_COLUMNS is a constant)

# Events are read after a cursor, in global order, never past a transaction still in
# flight (the oldest one's id, xmin, bounds what may be read: a transaction that commits
# later has an id at or above it, so it lands after whatever is read now).
_VISIBLE = """(transaction_id, position) > ($1::text::xid8, $2)
      and transaction_id < pg_snapshot_xmin(pg_current_snapshot())"""

# Ordered by the table's columns, not the output's `transaction_id` (a bigint made from
# them): so the global-order index hands rows over in order and the scan stops at the
# limit, instead of every event after the cursor being read and sorted on each call.
# (Built from this file's constants only, as is _READ_TYPES; values are parameters.)
_READ_ALL = f"""select {_COLUMNS} from events where {_VISIBLE}
    order by events.transaction_id, events.position limit $3"""  # noqa: S608

# The events of some types, and in the same statement (so under the same snapshot) the last
# event readable at all: when fewer than the limit come back, the reader has seen every
# event up to it, and its cursor may move past the others' events, not scan them again.
_READ_TYPES = f"""with page as (
        select {_COLUMNS} from events where {_VISIBLE} and event_type = any($4::text[])
        order by events.transaction_id, events.position limit $3),
    last as (
        select transaction_id::text::bigint as last_transaction_id, position as last_position
        from events where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by events.transaction_id desc, events.position desc limit 1)
    select * from last left join page on true
    order by page.transaction_id, page.position"""  # noqa: S608

# The same for the events of one partition: the expression is the one the partition index
# holds (kernel/migrations/live/ossature_partition.sql), so that index hands them over in
# global order; 16 is kernel/relay.py's PARTITIONS, which the index names.
_READ_PARTITION = _READ_TYPES.replace(
    "event_type = any($4::text[])",
    "event_type = any($4::text[]) and ossature_partition(tenant_id, 16) = $5",
)

# A rebuild's read (decision 122): first the bound, the oldest transaction in flight, and the
# last event below it, then every event of some types below that bound through one cursor,
# stream by stream in version order (the order `load` folds a stream in), with only the
# columns a fold needs and the payload as its JSON text. Every transaction below the bound
# has ended, so the statements of the read see the same events, on any connection.
_STORED_BOUND = """with bound as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
    select bound.xmin::text as xmin, last.transaction_id::text::bigint as transaction_id,
        last.position
    from bound left join lateral (
        select transaction_id, position from events where transaction_id < bound.xmin
        order by events.transaction_id desc, events.position desc limit 1) as last on true"""
_STORED = """select tenant_id, stream_id, stream_version, event_type, schema_version,
        payload::text as payload
    from events where transaction_id < $1::text::xid8 and event_type = any($2::text[])
    order by stream_id, stream_version"""

_context = msgspec.json.Decoder(Context)


def _envelope(row: Any, types: EventTypes) -> Envelope:
    """A stored event as an envelope, its payload upcast to its type's newest version.

    Each column is named once, straight into the envelope: half the cost of gathering them
    in a dict first (1.3 us against 2.3, timeit), for every event a relay, a projection's
    worker or a stream's load reads."""
    return types.upcast(
        Envelope(
            event_id=row["event_id"],
            event_type=row["event_type"],
            schema_version=row["schema_version"],
            stream_type=row["stream_type"],
            stream_id=row["stream_id"],
            stream_version=row["stream_version"],
            tenant_id=row["tenant_id"],
            occurred_at=row["occurred_at"],
            payload=row["payload"],
            context=_context.decode(row["context"]),
            originating_event_id=row["originating_event_id"],
            causing_event_id=row["causing_event_id"],
            position=(row["transaction_id"], row["position"]),
        )
    )


def _values(e: Envelope) -> list[Any]:
    """One event's columns, as `_FIELDS` names them (its first `_WRITTEN`)."""
    context = msgspec.to_builtins(e.context)
    return [
        *(e.event_id, e.event_type, e.schema_version, e.stream_type, e.stream_id),
        *(e.stream_version, e.tenant_id, e.occurred_at, e.payload, context),
        *(e.originating_event_id, e.causing_event_id),
    ]


def _recorded(record: IdempotencyRecord) -> list[Any]:
    """The idempotency record's columns, as the append functions take them."""
    key = record.key
    return [
        *(key.tenant_id, key.actor_id, key.key, record.command, record.invocation_id),
        *(record.outcome, record.fingerprint),
    ]


def _group_item(
    envelope: Envelope, record: IdempotencyRecord, guard: str, meter: Meter | None
) -> dict[str, Any]:
    """One commit as `ossature_append_group` reads it, keyed by the columns' names."""
    key = record.key
    return {
        "tenant": key.tenant_id,
        "guard": guard,
        "meter": None if meter is None else {"module": meter.module, "folder": meter.folder_id},
        "record": {
            "tenant_id": key.tenant_id,
            "actor_id": key.actor_id,
            "key": key.key,
            "command": record.command,
            "invocation_id": record.invocation_id,
            "outcome": record.outcome,
            "fingerprint": record.fingerprint,
        },
        "event": dict(zip(_FIELDS, _values(envelope), strict=False)),  # the written columns
    }


def _columns(envelopes: list[Envelope]) -> list[list[Any]]:
    """The events' columns, each as an array, in `_values`' order (empty arrays for none)."""
    columns = [list(column) for column in zip(*map(_values, envelopes), strict=True)]
    return columns or [[] for _ in range(_WRITTEN)]
