-- The application writes each tenant's schedule under its own tenant (the projection
-- `login-sources`); the scheduler's role alone reads every tenant's due runs and moves them
-- (decision 42: it is granted `next_run_at` and nothing else).
alter table login_extract_schedule enable row level security;
alter table login_extract_schedule force row level security;
create policy login_extract_schedule_tenant on login_extract_schedule
    using (tenant_id = current_setting('app.tenant_id', true));
create policy login_extract_schedule_scheduler on login_extract_schedule
    to ossature_scheduler using (true);
