-- Accounts and sessions, projected inline: log-in and authentication read them at once.

create table accounts (
    tenant_id text not null,
    account_id text primary key,
    email text not null,
    display_name text not null,
    locale text not null,
    password_hash text,
    unique (tenant_id, email)
);

create table sessions (
    tenant_id text not null,
    session_id text primary key,
    account_id text not null,
    expires_at timestamptz not null,
    ended_at timestamptz
);

alter table accounts enable row level security;
alter table accounts force row level security;
create policy accounts_tenant on accounts
    using (tenant_id = current_setting('app.tenant_id', true));

alter table sessions enable row level security;
alter table sessions force row level security;
create policy sessions_tenant on sessions
    using (tenant_id = current_setting('app.tenant_id', true));
