-- The tenant's country (ISO 3166-1 alpha-2), where requirements vary by country (decision 70).
alter table tenants add column country text;
