-- Every customer tenant with its region, its subscription and its open cycle's usage, for the
-- platform's operator (list-tenants). The operator's transaction is confined to the
-- platform's tenant, so this reads past row-level security, as support_investigations does
-- (decision 73).
-- The platform's own tenant (slug `p_platform`) is not listed. By slug, after `p_after`;
-- `p_text` filters slug and name.
create or replace function backoffice_tenants(
    p_platform text, p_text text, p_after text, p_limit int
)
returns table (
    tenant_id text, slug text, display_name text, country text, region text, plan text,
    enabled text[], disabled text[], used int, quota int, cycle_quota boolean
)
language sql stable security definer set search_path = public as $$
    select t.tenant_id, t.slug, t.display_name, t.country, t.region, s.plan, s.enabled,
        s.disabled, coalesce(c.used, 0), c.quota, c.tenant_id is not null
    from tenants t
    left join tenant_subscriptions s on s.tenant_id = t.tenant_id
    left join billing_cycles c on c.tenant_id = t.tenant_id and c.closed_at is null
    where t.slug <> p_platform
        and (p_after is null or t.slug > p_after)
        and (p_text is null or t.slug ilike '%' || p_text || '%'
            or t.display_name ilike '%' || p_text || '%')
    order by t.slug
    limit p_limit
$$;
