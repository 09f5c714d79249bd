-- Sagas (process managers, kernel/sagas.py): each instance's state, and the commands its steps
-- send, kept until sent (an outbox). A tenant's rows are its own (row-level security); the
-- workers' role runs every tenant's sagas and sends their commands, and the scheduler's role
-- finds every tenant's sagas past their deadline and moves them on (decisions 106, 107).

create table sagas (
    saga_id text primary key,
    tenant_id text not null,
    saga_type text not null,
    correlation text not null,
    state text not null check (state in ('running', 'completed', 'compensated', 'stuck')),
    data jsonb not null default '{}',
    deadline timestamptz,
    context jsonb not null,
    started_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index sagas_running on sagas (saga_type, correlation) where state = 'running';
create index sagas_due on sagas (deadline) where state = 'running';
create index sagas_newest on sagas (started_at desc, saga_id desc);

create table saga_commands (
    saga_id text not null references sagas (saga_id),
    step text not null,
    tenant_id text not null,
    command text not null,
    payload jsonb not null,
    context text not null,  -- the invocation context it is sent in (base64 JSON)
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    status int,
    primary key (saga_id, step)
);
create index saga_commands_unsent on saga_commands (created_at) where sent_at is null;

alter table sagas enable row level security;
alter table sagas force row level security;
create policy sagas_tenant on sagas
    using (tenant_id = current_setting('app.tenant_id', true));
create policy sagas_runners on sagas to ossature_worker, ossature_scheduler using (true);

alter table saga_commands enable row level security;
alter table saga_commands force row level security;
create policy saga_commands_tenant on saga_commands
    using (tenant_id = current_setting('app.tenant_id', true));
create policy saga_commands_runners on saga_commands to ossature_worker using (true);
