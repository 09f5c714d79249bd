-- list-projects as one statement, called through the kernel's door (`Database.call`): the door
-- confines it to the tenant and checks the invocation's guard (p_tenant is what
-- ossature_confine made), so that a list costs one round trip, not three (BEGIN with the
-- tenant and the guard, the list, COMMIT): measured on one connection, 62-71 us of client
-- CPU and 95-120 us of backend CPU per list against 123-169 and 155-215 (docs/performance.md).
-- Stable: it cannot write. Security invoker: row-level security applies as to any statement
-- of the caller.
--
-- One query per way of listing (decision 17): PL/pgSQL keeps a plan for each, made once
-- per connection; with `$2 is null or ...` a single generic plan could not use the
-- folder's index.
create or replace function projects_list(
    p_tenant ossature_confined, p_granting text[], p_folder text, p_subfolders boolean
) returns table (project_id text, name text, folder_id text, version int, archived boolean)
language plpgsql stable as $$
begin
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
