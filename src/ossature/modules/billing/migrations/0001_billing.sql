-- Billing cycles and the meter (decision 74). A cycle counts a tenant's operations in `used`
-- against its plan's `quota` (none: no limit); the meter keeps one entry per metered
-- invocation, so that every count is traceable to the invocations it counts.

create table billing_cycles (
    tenant_id text not null,
    cycle_id text not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    plan text not null,
    quota int,
    used int not null default 0,
    closed_at timestamptz,
    primary key (tenant_id, cycle_id),
    check (ends_at > starts_at),
    check (used >= 0)
);
-- At most one open cycle per tenant; the meter's update finds it by this index.
create unique index billing_cycles_open on billing_cycles (tenant_id) where closed_at is null;

alter table billing_cycles enable row level security;
alter table billing_cycles force row level security;
create policy billing_cycles_tenant on billing_cycles
    using (tenant_id = current_setting('app.tenant_id', true));

create table meter_entries (
    tenant_id text not null,
    cycle_id text,  -- null only for an invocation metered while its tenant had no open cycle
    invocation_id text not null,
    module text not null,
    command text not null,
    folder_id text not null,
    metered_at timestamptz not null,
    primary key (tenant_id, invocation_id)
);
-- get-usage reads a span of time; an invoice reads a cycle's entries by module and folder.
create index meter_entries_by_time on meter_entries (tenant_id, metered_at);
create index meter_entries_by_cycle on meter_entries (tenant_id, cycle_id, module, folder_id);

alter table meter_entries enable row level security;
alter table meter_entries force row level security;
create policy meter_entries_tenant on meter_entries
    using (tenant_id = current_setting('app.tenant_id', true));
