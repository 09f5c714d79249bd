-- Meter one operation (decision 75). The kernel's appends call it in the statement that
-- records a command's key, appends its events and writes its audit entry, so an operation is
-- counted exactly when the command's effects are kept, and a repeat of its key (which appends
-- nothing) is not counted again. It adds 1 to the tenant's open cycle, whose row stays locked
-- until the transaction ends: concurrent commits of the tenant count one after the other, and
-- one that would pass the quota raises OS402, its detail the quota and the plan as JSON, so
-- that nothing of the command is kept. A command with no folder of its own (AnyScope, Anyone)
-- acted at the tenant's root. A tenant without an open cycle (cycles open with their tenant,
-- and at start-up for older ones) is still metered, under no cycle.
create or replace function ossature_meter_commit(
    p_tenant text, p_invocation text, p_command text, p_module text, p_folder text,
    p_at timestamptz
) returns void language plpgsql as $$
declare
    v_cycle text;
    v_plan text;
    v_quota int;
    v_used int;
begin
    update billing_cycles set used = used + 1
        where tenant_id = p_tenant and closed_at is null
        returning cycle_id, plan, quota, used into v_cycle, v_plan, v_quota, v_used;
    if v_used > v_quota then
        raise exception 'quota exceeded' using errcode = 'OS402',
            detail = json_build_object('quota', v_quota, 'plan', v_plan)::text;
    end if;
    insert into meter_entries (tenant_id, cycle_id, invocation_id, module, command, folder_id,
        metered_at)
        values (p_tenant, v_cycle, p_invocation, p_module, p_command,
            coalesce(p_folder, (select root_folder_id from tenants where tenant_id = p_tenant)),
            p_at);
end $$;
