-- get-usage as one statement, through the kernel's door (`Database.call`: confined to the
-- tenant, the guard checked). The operations metered in [p_from, p_to), counted by module, by
-- command, or by folder: then each folder that holds some with every folder above it (read
-- from the folders' chains), its own count beside it; the roll-up up the tree is pure
-- (`billing/usage.py`). The time index of `meter_entries` bounds the scan.
-- Stable: it cannot write. Security invoker: row-level security applies.
create or replace function billing_usage(
    p_tenant ossature_confined, p_from timestamptz, p_to timestamptz, p_group text
) returns table (row_key text, row_name text, row_parent text, row_own bigint)
language plpgsql stable as $$
begin
    if p_group = 'folder' then
        return query with own as (
                select m.folder_id, count(*) as n from meter_entries m
                where m.metered_at >= p_from and m.metered_at < p_to
                group by m.folder_id),
            above as (
                select distinct unnest(f.chain) as folder_id
                from folders f join own o on o.folder_id = f.folder_id)
            select f.folder_id, f.name, f.parent_id, coalesce(o.n, 0)
            from above a join folders f on f.folder_id = a.folder_id
                left join own o on o.folder_id = f.folder_id;
    elsif p_group = 'module' then
        return query select m.module, m.module, null::text, count(*)
            from meter_entries m where m.metered_at >= p_from and m.metered_at < p_to
            group by m.module order by 4 desc, 1;
    else
        return query select m.command, m.command, null::text, count(*)
            from meter_entries m where m.metered_at >= p_from and m.metered_at < p_to
            group by m.command order by 4 desc, 1;
    end if;
end $$;
