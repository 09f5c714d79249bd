-- Group commit: the one-event commits of several invocations in one statement, so one
-- transaction (decision 20, kernel/group_commit.py). Each item is what ossature_append_one
-- takes, as a JSON object: `tenant` and `guard`, the idempotency `record` and the `event`,
-- their keys the columns' names, and its `meter` ({module, folder}, or null). The items are
-- taken tenant by tenant, each tenant's in the group's order, a statement for each step
-- rather than for each item: confine to the tenant, check each distinct guard, record the
-- keys (and their payloads' fingerprints), then append the events, write the audit entries
-- (decision 33) and meter (ossature_meter_commits, decision 75) of the items whose key was
-- not recorded before; the answer holds whether each item's event went in. Of two items with
-- one key, the first in the group's order records it. A refusal of any item (a guard, a
-- stream version taken, a quota reached) raises and nothing of the group is kept: the
-- caller then commits each item alone. The tenants are taken in the order of their ids, so
-- that two groups in flight (decision 137) lock their billing cycles in one order.
create or replace function ossature_append_group(p_items jsonb) returns boolean[]
language plpgsql as $$
declare
    run record;
    went_in int[];
    k int;
    appended boolean[] := array_fill(false, array[jsonb_array_length(p_items)]);
begin
    for run in
        select i.item->>'tenant' as tenant, array_agg(i.n::int order by i.n) as ns
        from jsonb_array_elements(p_items) with ordinality as i(item, n)
        group by i.item->>'tenant'
        order by i.item->>'tenant'
    loop
        perform set_config('app.tenant_id', run.tenant, true);
        perform ossature_guard(g.guard)
            from (select distinct p_items->(n - 1)->>'guard' as guard from unnest(run.ns) as n) g
            where g.guard <> '';
        with proposed as (
            select n, r.*
            from unnest(run.ns) as n,
                jsonb_populate_record(null::idempotency_records, p_items->(n - 1)->'record') r
        ), recorded as (
            insert into idempotency_records (tenant_id, actor_id, key, command, invocation_id,
                outcome, fingerprint)
                select tenant_id, actor_id, key, command, invocation_id, outcome, fingerprint
                from proposed order by n
                on conflict do nothing
                returning invocation_id
        )
        select array_agg(first.n order by first.n) into went_in
        from (select distinct on (p.invocation_id) p.n
              from proposed p join recorded using (invocation_id)
              order by p.invocation_id, p.n) as first;
        if went_in is null then
            continue;
        end if;
        insert into events (event_id, event_type, schema_version, stream_type, stream_id,
            stream_version, tenant_id, occurred_at, payload, context, originating_event_id,
            causing_event_id)
            select e.event_id, e.event_type, e.schema_version, e.stream_type, e.stream_id,
                e.stream_version, e.tenant_id, e.occurred_at, e.payload, e.context,
                e.originating_event_id, e.causing_event_id
            from unnest(went_in) with ordinality as w(n, k),
                jsonb_populate_record(null::events, p_items->(w.n - 1)->'event') e
            order by w.k;
        perform ossature_audit_commits(run.tenant, array_agg(r->>'invocation_id'),
                array_agg(r->>'command'), array_agg(r->>'actor_id'),
                array_agg(e->'context'), array_agg((e->>'occurred_at')::timestamptz))
            from unnest(went_in) as n,
                lateral (select p_items->(n - 1)->'record' as r, p_items->(n - 1)->'event' as e) x;
        perform ossature_meter_commits(run.tenant, array_agg(r->>'invocation_id'),
                array_agg(r->>'command'), array_agg(m->>'module'), array_agg(m->>'folder'),
                array_agg((e->>'occurred_at')::timestamptz))
            from unnest(went_in) as n,
                lateral (select p_items->(n - 1)->'record' as r, p_items->(n - 1)->'event' as e,
                    p_items->(n - 1)->'meter' as m) x
            where jsonb_typeof(m) = 'object'
            having count(*) > 0;
        foreach k in array went_in loop
            appended[k] := true;
        end loop;
    end loop;
    return appended;
end $$;
