-- Logins per day, per tenant, owned by the projection `logins-per-day`.

create table login_days (
    tenant_id text not null,
    day date not null,
    logins int not null,
    primary key (tenant_id, day)
);

alter table login_days enable row level security;
alter table login_days force row level security;
create policy login_days_tenant on login_days
    using (tenant_id = current_setting('app.tenant_id', true));
