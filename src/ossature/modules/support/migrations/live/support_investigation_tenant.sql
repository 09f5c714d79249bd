-- The tenant of an investigation, whatever the transaction's tenant: resolve-investigation,
-- by the platform's operator, appends to the reporter's tenant's stream (decision 65). It
-- answers the tenant id only; row-level security confines every read that follows.
create or replace function support_investigation_tenant(p_investigation text) returns text
language sql stable security definer set search_path = public as $$
    select tenant_id from investigations where investigation_id = p_investigation
$$;
