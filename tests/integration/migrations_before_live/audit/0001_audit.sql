-- Every invocation, command or query, allowed or denied, with its full invocation context.

create table audit_entries (
    tenant_id text not null,
    entry_id bigint generated always as identity primary key,
    invocation_id text not null,
    kind text not null,
    name text not null,
    actor_id text,
    outcome text not null,
    status int not null,
    message_key text,
    context jsonb not null,
    recorded_at timestamptz not null
);
create index audit_by_tenant_time on audit_entries (tenant_id, recorded_at desc);
create index audit_by_actor on audit_entries (tenant_id, actor_id, recorded_at desc);

alter table audit_entries enable row level security;
alter table audit_entries force row level security;
create policy audit_tenant on audit_entries
    using (tenant_id = current_setting('app.tenant_id', true));
