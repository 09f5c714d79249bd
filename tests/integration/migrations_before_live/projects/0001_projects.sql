-- The projects read model, owned by the projection `projects-catalog`.

create table projects (
    tenant_id text not null,
    project_id text primary key,
    folder_id text not null,
    name text not null,
    version int not null,
    archived boolean not null default false
);
create index projects_by_folder on projects (tenant_id, folder_id);

alter table projects enable row level security;
alter table projects force row level security;
create policy projects_tenant on projects
    using (tenant_id = current_setting('app.tenant_id', true));
