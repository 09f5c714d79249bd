-- The tenant directory (readable by anyone: slug and name only) and each tenant's folder tree.

create table tenants (
    tenant_id text primary key,
    slug text not null unique,
    display_name text not null,
    root_folder_id text not null
);

create table folders (
    tenant_id text not null,
    folder_id text primary key,
    parent_id text references folders (folder_id),
    name text not null,
    chain text[] not null,
    unique nulls not distinct (tenant_id, parent_id, name)
);
create index folders_by_tenant on folders (tenant_id);

alter table folders enable row level security;
alter table folders force row level security;
create policy folders_tenant on folders
    using (tenant_id = current_setting('app.tenant_id', true));
