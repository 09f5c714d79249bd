-- Log-in throttling (decision 53): failures counted per subject, an account (a keyed hash
-- of its email) or an address, in the tenant the log-in named. Kept in PostgreSQL so that a
-- lock survives a restart and holds at every gateway.

create table login_throttle (
    tenant_id text not null,
    subject text not null,
    failures int not null,
    window_start timestamptz not null,
    locked_until timestamptz,
    locks int not null,
    primary key (tenant_id, subject)
);
-- Rows past any window and lock are deleted a few at a time by each failure.
create index login_throttle_stale on login_throttle (tenant_id, window_start);

alter table login_throttle enable row level security;
alter table login_throttle force row level security;
create policy login_throttle_tenant on login_throttle
    using (tenant_id = current_setting('app.tenant_id', true));
