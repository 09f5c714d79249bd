-- What each tenant subscribes to (decision 71): its plan (null: the catalog's default), the
-- product modules an operator enabled or disabled beyond the plan, and the features an
-- operator set for it. Projected inline from the stream `<tenant id>.plan`.

create table tenant_subscriptions (
    tenant_id text primary key,
    plan text,
    enabled text[] not null default '{}',
    disabled text[] not null default '{}',
    features jsonb not null default '{}',
    version int not null
);

alter table tenant_subscriptions enable row level security;
alter table tenant_subscriptions force row level security;
create policy tenant_subscriptions_tenant on tenant_subscriptions
    using (tenant_id = current_setting('app.tenant_id', true));
