-- The tenant of an account, whatever the transaction's tenant: start-impersonation, by a
-- platform operator of another tenant, learns where the account lives before it confines
-- itself there (decision 51). It answers the tenant id only; row-level security still
-- confines every read that follows.
create or replace function identity_account_tenant(p_account text) returns text
language sql stable security definer set search_path = public as $$
    select tenant_id from accounts where account_id = p_account
$$;
