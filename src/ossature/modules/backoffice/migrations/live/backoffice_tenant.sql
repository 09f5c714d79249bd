-- One customer tenant for the platform's operator (get-tenant): its region and its key's
-- version (decisions 90, 91; never the key), its subscription, its open cycle, and its open
-- investigations (how many, and the five newest).
-- Reads past row-level security like backoffice_tenants (decision 73); no row for the
-- platform's own tenant (slug `p_platform`).
create or replace function backoffice_tenant(p_platform text, p_tenant_id text)
returns table (
    tenant_id text, slug text, display_name text, country text, region text, plan text,
    enabled text[], disabled text[], features jsonb, cycle_id text, starts_at timestamptz,
    ends_at timestamptz, used int, quota int, open_investigations int, investigations jsonb,
    key_version int
)
language sql stable security definer set search_path = public as $$
    select t.tenant_id, t.slug, t.display_name, t.country, t.region, s.plan, s.enabled,
        s.disabled, s.features, c.cycle_id, c.starts_at, c.ends_at, c.used, c.quota,
        (select count(*)::int from investigations i
            where i.tenant_id = t.tenant_id and i.status = 'open'),
        coalesce((select jsonb_agg(jsonb_build_object(
                'investigationId', n.investigation_id,
                'invocationName', n.invocation_name,
                'reportedAt', n.reported_at) order by n.reported_at desc, n.investigation_id desc)
            from (select * from investigations i
                where i.tenant_id = t.tenant_id and i.status = 'open'
                order by i.reported_at desc, i.investigation_id desc limit 5) n), '[]'::jsonb),
        (select k.version from tenant_keys k where k.tenant_id = t.tenant_id)
    from tenants t
    left join tenant_subscriptions s on s.tenant_id = t.tenant_id
    left join billing_cycles c on c.tenant_id = t.tenant_id and c.closed_at is null
    where t.tenant_id = p_tenant_id and t.slug <> p_platform
$$;
