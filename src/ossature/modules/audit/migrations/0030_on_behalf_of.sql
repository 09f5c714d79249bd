-- An entry of an invocation made in an impersonation names the operator beside the actor
-- (decision 51): taken from the context it stores, so every writer fills it unchanged.
alter table audit_entries add column on_behalf_of text
    generated always as (context->'access'->>'onBehalfOf') stored;
