-- backoffice_tenants and backoffice_tenant answer the tenant's region too (decision 91): a
-- function's result cannot change in place, so the old ones go; their live files make them.
drop function if exists backoffice_tenants(text, text, text, int);
drop function if exists backoffice_tenant(text, text);
