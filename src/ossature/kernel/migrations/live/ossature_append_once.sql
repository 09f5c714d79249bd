-- A command's whole transaction in one statement, when appending is all it does (decision
-- 16): confine the statement to the tenant, check the invocation's guard (ossature_guard,
-- decision 19), record the idempotency key, and append the events unless the key was
-- recorded before, then write the command's audit entry (ossature_audit_commit, decision 33)
-- and meter it when it belongs to a product module (p_module not null: ossature_meter_commit,
-- decision 75, which raises when it would pass the tenant's quota): with the events or not at
-- all. Returns whether the events went in. Security invoker: RLS
-- applies as for any statement of the caller. Inside a transaction it is one statement of it, the guard
-- already checked (p_guard empty).
create or replace function ossature_append_once(
    p_tenant text, p_guard text,
    p_event_ids text[], p_event_types text[], p_schema_versions int[], p_stream_types text[],
    p_stream_ids text[], p_stream_versions int[], p_tenants text[], p_occurred timestamptz[],
    p_payloads jsonb[], p_contexts jsonb[], p_originating text[], p_causing text[],
    p_key_tenant text, p_actor text, p_key text, p_command text, p_invocation text,
    p_outcome jsonb, p_fingerprint text, p_context jsonb, p_at timestamptz,
    p_module text, p_folder text
) returns boolean language plpgsql as $$
begin
    perform set_config('app.tenant_id', p_tenant, true);
    if p_guard <> '' then
        perform ossature_guard(p_guard);
    end if;
    insert into idempotency_records (tenant_id, actor_id, key, command, invocation_id, outcome,
        fingerprint)
        values (p_key_tenant, p_actor, p_key, p_command, p_invocation, p_outcome, p_fingerprint)
        on conflict do nothing;
    if not found then
        return false;
    end if;
    insert into events (event_id, event_type, schema_version, stream_type, stream_id,
        stream_version, tenant_id, occurred_at, payload, context, originating_event_id,
        causing_event_id)
        select * from unnest(p_event_ids, p_event_types, p_schema_versions, p_stream_types,
            p_stream_ids, p_stream_versions, p_tenants, p_occurred, p_payloads, p_contexts,
            p_originating, p_causing);
    perform ossature_audit_commit(p_key_tenant, p_invocation, p_command, p_actor, p_context, p_at);
    if p_module is not null then
        perform ossature_meter_commit(p_key_tenant, p_invocation, p_command, p_module, p_folder,
            p_at);
    end if;
    return true;
end $$;
