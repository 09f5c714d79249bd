-- Role assignments: an account holds a role at a folder scope (inherited down the tree).

create table role_assignments (
    tenant_id text not null,
    account_id text not null,
    role text not null,
    folder_id text not null,
    primary key (account_id, role, folder_id)
);

alter table role_assignments enable row level security;
alter table role_assignments force row level security;
create policy role_assignments_tenant on role_assignments
    using (tenant_id = current_setting('app.tenant_id', true));
