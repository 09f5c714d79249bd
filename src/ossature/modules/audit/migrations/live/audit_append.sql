-- The entries of invocations that committed nothing (queries, refusals, failures, repeats),
-- a group at a time in one statement (modules/audit/writer.py, decision 33): one JSON
-- document spread into rows, each tenant's under its own confinement (ossature_confine with
-- no guard: an entry is written whatever the session's state, a 401 included).
-- As jsonb the document is parsed once; json_to_recordset parsed each context a second time.
create or replace function audit_append(p_entries jsonb) returns void
language plpgsql as $$
declare
    tenant text;
begin
    for tenant in select distinct e->>'tenant_id' from jsonb_array_elements(p_entries) e loop
        perform ossature_confine(tenant, '');
        insert into audit_entries (tenant_id, invocation_id, kind, name, actor_id, outcome,
            status, message_key, context, recorded_at, repeat_of)
            select r.tenant_id, r.invocation_id, r.kind, r.name, r.actor_id, r.outcome,
                r.status, r.message_key, r.context, r.recorded_at, r.repeat_of
            from jsonb_to_recordset(p_entries) as r(tenant_id text, invocation_id text,
                kind text, name text, actor_id text, outcome text, status int,
                message_key text, context jsonb, recorded_at timestamptz, repeat_of text)
            where r.tenant_id = tenant;
    end loop;
end $$;
