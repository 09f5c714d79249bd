-- The event store, idempotency records, projection checkpoints and the relay's cursor.

create table events (
    position bigint generated always as identity,
    transaction_id xid8 not null default pg_current_xact_id(),
    event_id text primary key,
    event_type text not null,
    schema_version int not null,
    stream_type text not null,
    stream_id text not null,
    stream_version int not null check (stream_version > 0),
    tenant_id text not null,
    occurred_at timestamptz not null,
    payload jsonb not null,
    context jsonb not null,
    originating_event_id text,
    causing_event_id text,
    unique (stream_id, stream_version)
);
create index events_global_order on events (transaction_id, position);
create index events_by_tenant_type on events (tenant_id, event_type, occurred_at);

-- Append-only and the relay's wake-up: triggers defined with their functions in live/.

create table idempotency_records (
    tenant_id text not null,
    actor_id text not null,
    key text not null,
    command text not null,
    invocation_id text not null,
    outcome jsonb not null,
    recorded_at timestamptz not null default now(),
    primary key (tenant_id, actor_id, key)
);

create table projection_checkpoints (
    projection text primary key,
    transaction_id xid8 not null default '0',
    position bigint not null default 0,
    updated_at timestamptz not null default now()
);

create table relay_cursor (
    name text primary key,
    transaction_id xid8 not null default '0',
    position bigint not null default 0
);
insert into relay_cursor (name) values ('jetstream');

alter table events enable row level security;
alter table events force row level security;
create policy events_tenant on events
    using (tenant_id = current_setting('app.tenant_id', true));
create policy events_relay on events for select to ossature_relay using (true);

alter table idempotency_records enable row level security;
alter table idempotency_records force row level security;
create policy idempotency_tenant on idempotency_records
    using (tenant_id = current_setting('app.tenant_id', true));
