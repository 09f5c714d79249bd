-- The accounts read model learns what log-in needs at once (decision 52): whether the account
-- has MFA on (log-in then answers an MFA token instead of a session), and when it first
-- logged in (user-logged-in's firstLogIn). Accounts that logged in before this migration are
-- marked from their sessions, so that their next log-in is not taken for their first.

alter table accounts
    add column mfa_enabled boolean not null default false,
    add column logged_in_at timestamptz;

-- Row-level security is forced, on the owner too: each tenant's rows, with the tenant set.
do $$
declare
    tenant record;
begin
    if to_regclass('tenants') is null then
        return;
    end if;
    for tenant in select tenant_id from tenants loop
        perform set_config('app.tenant_id', tenant.tenant_id, true);
        update accounts set logged_in_at = first.at
        from (select account_id, min(expires_at) as at from credentials
              where kind = 'session' group by account_id) first
        where first.account_id = accounts.account_id and accounts.logged_in_at is null;
    end loop;
    perform set_config('app.tenant_id', '', true);
end $$;
