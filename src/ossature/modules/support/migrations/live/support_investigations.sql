-- Every tenant's investigations, for the platform's operator (list-investigations): the
-- operator's transaction is confined to the platform's tenant, so this reads past row-level
-- security, as identity_account_tenant does for start-impersonation (decision 65). Newest first.
create or replace function support_investigations(p_status text, p_limit int)
returns table (
    tenant_id text, tenant_name text, investigation_id text, reporter_id text,
    reporter_name text, invocation_id text, invocation_name text, description text,
    reported_at timestamptz, retry text, retry_status int, retry_invocation_id text,
    retry_message_key text, status text, answer text, resolved_at timestamptz, version int
)
language sql stable security definer set search_path = public as $$
    select i.tenant_id, t.display_name, i.investigation_id, i.reporter_id,
        coalesce(a.display_name, i.reporter_id), i.invocation_id, i.invocation_name,
        i.description, i.reported_at, i.retry, i.retry_status, i.retry_invocation_id,
        i.retry_message_key, i.status, i.answer, i.resolved_at, i.version
    from investigations i
    left join tenants t on t.tenant_id = i.tenant_id
    left join accounts a on a.account_id = i.reporter_id
    where p_status is null or i.status = p_status
    order by i.reported_at desc, i.investigation_id desc
    limit p_limit
$$;
