-- Login sources and the logins extracted from them (the analytics datastore).
-- See docs/decisions/0013-analytics-datastore-in-postgresql.md.

-- Each tenant's configured sources, owned by the inline projection `login-sources`.
-- The location is kept sealed (AES-GCM with the deployment's key), never in clear.
create table login_sources (
    tenant_id text not null,
    name text not null,
    kind text not null check (kind in ('sqlite', 'postgresql')),
    sealed_location text not null,
    schedule text not null,
    configured_at timestamptz not null,
    primary key (tenant_id, name)
);

-- When each source's extract is next due. Read across tenants by the scheduler, so
-- it holds no row-level security and nothing but names and times (like
-- projection_checkpoints); written by the projection `login-sources`.
create table login_extract_schedule (
    tenant_id text not null,
    source_name text not null,
    schedule text not null,
    next_run_at timestamptz not null,
    primary key (tenant_id, source_name)
);
create index login_extract_due on login_extract_schedule (next_run_at);

-- Each source's watermark (latest last login seen), users with a last login in the
-- latest copy, and the outcome of its last run. Written by extracts.
create table login_source_state (
    tenant_id text not null,
    source_name text not null,
    watermark timestamptz,
    users_seen int not null default 0,
    logins_appended bigint not null default 0,
    last_run_at timestamptz,
    last_outcome text check (last_outcome in ('succeeded', 'failed')),
    last_error_key text,
    last_appended int,
    primary key (tenant_id, source_name)
);

-- The last login seen of each user of a source, keyed by the salted hash of the email.
create table login_user_state (
    tenant_id text not null,
    source_name text not null,
    user_hash text not null,
    last_login timestamptz not null,
    primary key (tenant_id, source_name, user_hash)
);

-- Every login extracted: the key makes appending the same login twice a no-op.
create table source_logins (
    tenant_id text not null,
    source_name text not null,
    user_hash text not null,
    logged_in_at timestamptz not null,
    extracted_at timestamptz not null,
    primary key (tenant_id, source_name, user_hash, logged_in_at)
);

-- Logins per UTC day per source: the chart reads a range of this primary key.
create table source_login_days (
    tenant_id text not null,
    source_name text not null,
    day date not null,
    logins int not null,
    primary key (tenant_id, source_name, day)
);

alter table login_sources enable row level security;
alter table login_sources force row level security;
create policy login_sources_tenant on login_sources
    using (tenant_id = current_setting('app.tenant_id', true));

alter table login_source_state enable row level security;
alter table login_source_state force row level security;
create policy login_source_state_tenant on login_source_state
    using (tenant_id = current_setting('app.tenant_id', true));

alter table login_user_state enable row level security;
alter table login_user_state force row level security;
create policy login_user_state_tenant on login_user_state
    using (tenant_id = current_setting('app.tenant_id', true));

alter table source_logins enable row level security;
alter table source_logins force row level security;
create policy source_logins_tenant on source_logins
    using (tenant_id = current_setting('app.tenant_id', true));

alter table source_login_days enable row level security;
alter table source_login_days force row level security;
create policy source_login_days_tenant on source_login_days
    using (tenant_id = current_setting('app.tenant_id', true));
