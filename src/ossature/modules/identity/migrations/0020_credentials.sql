-- Every credential an invocation can be made with, in one table (decision 49): a session
-- (from log-in), a personal access token, an API key. The invocation's guard is the
-- credential's id, checked by one index probe whatever its kind (live/ossature_guard.sql).
-- The sessions carry over as they are: the table is renamed and its id column with it.
alter table sessions rename to credentials;
alter table credentials rename column session_id to credential_id;
alter policy sessions_tenant on credentials rename to credentials_tenant;
alter table credentials
    add column kind text not null default 'session'
        check (kind in ('session', 'personal-access-token', 'api-key')),
    add column name text,
    add column created_at timestamptz;
create index credentials_of_account on credentials (tenant_id, account_id, kind);
