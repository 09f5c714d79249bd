-- The sessions as they were read and written before credentials (decision 49): a view of
-- the session rows of `credentials` under the former table's name and columns, for code
-- written against them. `security_invoker`: row-level security is the caller's.
create or replace view sessions with (security_invoker = true) as
    select tenant_id, credential_id as session_id, account_id, expires_at, ended_at
    from credentials where kind = 'session';
