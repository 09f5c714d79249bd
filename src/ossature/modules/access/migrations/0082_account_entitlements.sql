-- The entitlements each account holds (decision 83), projected inline by access-entitlements:
-- the requirement check reads an account's in one indexed statement. Accounts that verified
-- their email or enrolled TOTP before this migration hold those entitlements from now on.

create table account_entitlements (
    tenant_id text not null,
    account_id text not null,
    entitlement text not null,
    gained_at timestamptz not null,
    primary key (account_id, entitlement)
);

alter table account_entitlements enable row level security;
alter table account_entitlements force row level security;
create policy account_entitlements_tenant on account_entitlements
    using (tenant_id = current_setting('app.tenant_id', true));

-- Row-level security is forced, on the owner too: each tenant's rows, with the tenant set.
do $$
declare
    tenant record;
begin
    if to_regclass('tenants') is null or to_regclass('accounts') is null then
        return;
    end if;
    for tenant in select tenant_id from tenants loop
        perform set_config('app.tenant_id', tenant.tenant_id, true);
        insert into account_entitlements (tenant_id, account_id, entitlement, gained_at)
        select tenant_id, account_id, 'email-verified', now() from accounts
            where tenant_id = tenant.tenant_id and email_verified
        union all
        select tenant_id, account_id, 'mfa-enrolled', now() from accounts
            where tenant_id = tenant.tenant_id and mfa_enabled
        on conflict do nothing;
    end loop;
    perform set_config('app.tenant_id', '', true);
end $$;
