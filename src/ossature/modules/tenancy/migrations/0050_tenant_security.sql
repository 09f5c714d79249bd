-- Each tenant's security policy (set-tenant-security-policy): whether its accounts need MFA
-- and the address ranges its invocations must come from. A tenant without a row has neither.

create table tenant_security (
    tenant_id text primary key,
    require_mfa boolean not null default false,
    allowed_ip_ranges cidr[] not null default '{}',
    version int not null
);

alter table tenant_security enable row level security;
alter table tenant_security force row level security;
create policy tenant_security_tenant on tenant_security
    using (tenant_id = current_setting('app.tenant_id', true));
