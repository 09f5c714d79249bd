-- The directory stays readable across tenants (a log-in finds its tenant by slug), but a row
-- is written only under its own tenant: no role of the application can change another
-- tenant's slug or name (decision 42).
alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenants_read on tenants for select using (true);
create policy tenants_tenant on tenants
    using (tenant_id = current_setting('app.tenant_id', true));
