-- The door's half in SQL (`Database.call`): confine the statement to the tenant and check the
-- invocation's guard (ossature_guard) when it has one, then hand the tenant on as
-- ossature_confined. The door sends `select * from f(ossature_confine($1, $2), ...)`: the
-- arguments are evaluated before the function runs, so a module's function that takes an
-- ossature_confined runs confined and guarded, with nothing of its own to remember.
create or replace function ossature_confine(p_tenant text, p_guard text)
returns ossature_confined language plpgsql as $$
begin
    perform set_config('app.tenant_id', p_tenant, true);
    if p_guard <> '' then
        perform ossature_guard(p_guard);
    end if;
    return p_tenant;
end $$;
