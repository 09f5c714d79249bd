-- Meter several operations of one tenant at once: `ossature_meter_commit` for a run of a
-- group commit's items (kernel `ossature_append_group`), so that the group counts each
-- tenant's operations with one update of its cycle and inserts their entries in one
-- statement (measured: a third of the backend CPU that metering them one by one took,
-- docs/performance.md "Metering"). The group is one transaction: when the run passes the
-- quota, it raises OS402 and the group is given up, each of its commits then metered alone
-- with an answer of its own.
create or replace function ossature_meter_commits(
    p_tenant text, p_invocations text[], p_commands text[], p_modules text[], p_folders text[],
    p_at timestamptz[]
) returns void language plpgsql as $$
declare
    v_cycle text;
    v_plan text;
    v_quota int;
    v_used int;
begin
    update billing_cycles set used = used + cardinality(p_invocations)
        where tenant_id = p_tenant and closed_at is null
        returning cycle_id, plan, quota, used into v_cycle, v_plan, v_quota, v_used;
    if v_used > v_quota then
        raise exception 'quota exceeded' using errcode = 'OS402',
            detail = json_build_object('quota', v_quota, 'plan', v_plan)::text;
    end if;
    insert into meter_entries (tenant_id, cycle_id, invocation_id, module, command, folder_id,
        metered_at)
        select p_tenant, v_cycle, u.invocation, u.module, u.command,
            coalesce(u.folder, (select root_folder_id from tenants where tenant_id = p_tenant)),
            u.at
        from unnest(p_invocations, p_modules, p_commands, p_folders, p_at)
            as u(invocation, module, command, folder, at);
end $$;
