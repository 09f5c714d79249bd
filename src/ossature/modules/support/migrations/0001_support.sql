-- Investigations, owned by the inline projection `investigations`: one row per
-- investigation, the columns of its state (`state.py`) plus the tenant (the reporter's).

create table investigations (
    tenant_id text not null,
    investigation_id text primary key,
    reporter_id text not null,
    invocation_id text not null,
    invocation_name text not null,
    description text not null,
    reported_at timestamptz,
    retry text not null,
    retry_status int,
    retry_invocation_id text,
    retry_message_key text,
    status text not null,
    answer text,
    resolved_at timestamptz,
    resolved_by text,
    version int not null
);
create index investigations_by_reporter on investigations (tenant_id, reporter_id, reported_at desc);
create index investigations_by_status on investigations (status, reported_at desc);
create unique index investigations_of_an_invocation on investigations (tenant_id, invocation_id);

alter table investigations enable row level security;
alter table investigations force row level security;
create policy investigations_tenant on investigations
    using (tenant_id = current_setting('app.tenant_id', true));

-- What report-problem retries: an invocation answered 5xx, its name and its payload sealed
-- with the support key, kept seven days (decision 64). No payload (`sealed_payload` null)
-- when the command marks secret fields: such an invocation is never retried.
create table kept_invocations (
    tenant_id text not null,
    invocation_id text primary key,
    external_invocation_id text not null,
    actor_id text not null,
    kind text not null,
    name text not null,
    status int not null,
    sealed_payload text,
    kept_until timestamptz not null
);
create index kept_invocations_until on kept_invocations (tenant_id, kept_until);

alter table kept_invocations enable row level security;
alter table kept_invocations force row level security;
create policy kept_invocations_tenant on kept_invocations
    using (tenant_id = current_setting('app.tenant_id', true));
