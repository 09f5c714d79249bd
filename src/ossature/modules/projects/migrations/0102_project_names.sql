-- The names the saga `project-names` let each project keep (modules/projects/names.py): one
-- row per project, `name_key` (its name in lower case) while it holds the name in its folder,
-- null once archived or refused. Names are unique within a folder by the saga (decision 108),
-- not on the write path: this index guards the saga's own table.
create table project_names (
    tenant_id text not null,
    project_id text primary key,
    folder_id text not null,
    name text not null,
    name_key text
);
create unique index project_names_claimed on project_names (tenant_id, folder_id, name_key)
    where name_key is not null;

alter table project_names enable row level security;
alter table project_names force row level security;
create policy project_names_tenant on project_names
    using (tenant_id = current_setting('app.tenant_id', true));

-- The projects made before the saga keep their names, the oldest first where two share one;
-- the saga starts at the present end of the store.
insert into project_names (tenant_id, project_id, folder_id, name, name_key)
select tenant_id, project_id, folder_id, name,
    case when not archived and row_number() over (
        partition by tenant_id, folder_id, lower(name), archived order by project_id
    ) = 1 then lower(name) end
from projects;
insert into projection_checkpoints (projection, transaction_id, position)
select 'saga-project-names', transaction_id, position from events
order by transaction_id desc, position desc limit 1;
