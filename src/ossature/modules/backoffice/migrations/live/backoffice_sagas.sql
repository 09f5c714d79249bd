-- Every tenant's sagas, newest first, for the platform's operators (list-sagas). The
-- operator's transaction is confined to the platform's tenant, so this reads past row-level
-- security, as backoffice_tenants does (decision 73). `p_state` null: every state.
create or replace function backoffice_sagas(p_state text, p_limit int)
returns table (
    saga_id text, tenant_id text, saga_type text, state text, correlation text,
    deadline timestamptz, started_at timestamptz, updated_at timestamptz
)
language sql stable security definer set search_path = public as $$
    select s.saga_id, s.tenant_id, s.saga_type, s.state, s.correlation, s.deadline,
        s.started_at, s.updated_at
    from sagas s
    where p_state is null or s.state = p_state
    order by s.started_at desc, s.saga_id desc
    limit p_limit
$$;
