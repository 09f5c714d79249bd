-- Keys of personal data (decision 89). Each tenant has one key-encryption key, kept here only
-- wrapped by the deployment's master key (a file, or a KMS); each person (a subject) has one
-- data key, kept only wrapped by the tenant's key. Personal fields of events and read models
-- are sealed with their subject's data key: forgetting the subject clears its wrapped key, and
-- every copy of those fields, in events, read models and JetStream, says nothing any more.

create table tenant_keys (
    tenant_id text primary key,
    version int not null,           -- 1, then one more at each rotation
    wrapped bytea not null,         -- the key, wrapped by the master key named below
    master_key_id text not null,
    created_at timestamptz not null default now(),
    rotated_at timestamptz
);

alter table tenant_keys enable row level security;
alter table tenant_keys force row level security;
create policy tenant_keys_tenant on tenant_keys
    using (tenant_id = current_setting('app.tenant_id', true));

create table personal_keys (
    tenant_id text not null,
    subject_id text not null,
    wrapped bytea,                  -- the data key wrapped by the tenant's key; null once forgotten
    tenant_key_version int not null,
    created_at timestamptz not null default now(),
    forgotten_at timestamptz,
    primary key (tenant_id, subject_id),
    check ((wrapped is null) = (forgotten_at is not null))
);

alter table personal_keys enable row level security;
alter table personal_keys force row level security;
create policy personal_keys_tenant on personal_keys
    using (tenant_id = current_setting('app.tenant_id', true));
