-- projects_list calls the invocation's guard (kernel migration 0007) instead of running it
-- as a statement text: a list is one static statement again, every plan kept.
create or replace function projects_list(
    p_tenant text, p_guard text, p_granting text[], p_folder text, p_subfolders boolean
) returns table (project_id text, name text, folder_id text, version int, archived boolean)
language plpgsql stable as $$
begin
    perform set_config('app.tenant_id', p_tenant, true);
    if p_guard <> '' then
        perform ossature_guard(p_guard);
    end if;
    if p_folder is null then
        return query select p.project_id, p.name, p.folder_id, p.version, p.archived
            from projects p join folders f on f.folder_id = p.folder_id
            where f.chain && p_granting
            order by p.name, p.project_id;
    elsif p_subfolders then
        return query select p.project_id, p.name, p.folder_id, p.version, p.archived
            from projects p join folders f on f.folder_id = p.folder_id
            where f.chain && p_granting and p_folder = any(f.chain)
            order by p.name, p.project_id;
    else
        return query select p.project_id, p.name, p.folder_id, p.version, p.archived
            from projects p join folders f on f.folder_id = p.folder_id
            where f.chain && p_granting and p.folder_id = p_folder
            order by p.name, p.project_id;
    end if;
end $$;
