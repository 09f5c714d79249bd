-- The tenant's region (decision 91): where its data is meant to live, a tag for now. Tenants
-- made before regions existed are in the first region, `eu`.
alter table tenants add column region text not null default 'eu';
