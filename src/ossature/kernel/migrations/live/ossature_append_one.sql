-- The commonest commit appends one event: the same steps as ossature_append_once (its audit
-- entry's context and time are the event's), the event inserted from plain values. Twelve one-element arrays cost the client about 80 isinstance
-- checks to encode and the backend their unnesting: measured on one connection, a one-event
-- commit 230 -> 167 us of backend CPU with this and the guard called (decision 19).
-- A command of a product module is metered last (p_module not null: ossature_meter_commit,
-- decision 75), which raises when it would pass the tenant's quota: nothing is then kept.
create or replace function ossature_append_one(
    p_tenant text, p_guard text,
    p_event_id text, p_event_type text, p_schema_version int, p_stream_type text,
    p_stream_id text, p_stream_version int, p_event_tenant text, p_occurred timestamptz,
    p_payload jsonb, p_context jsonb, p_originating text, p_causing text,
    p_key_tenant text, p_actor text, p_key text, p_command text, p_invocation text,
    p_outcome jsonb, p_fingerprint text, p_module text, p_folder text
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
        values (p_event_id, p_event_type, p_schema_version, p_stream_type, p_stream_id,
            p_stream_version, p_event_tenant, p_occurred, p_payload, p_context, p_originating,
            p_causing);
    perform ossature_audit_commit(p_key_tenant, p_invocation, p_command, p_actor, p_context,
        p_occurred);
    if p_module is not null then
        perform ossature_meter_commit(p_key_tenant, p_invocation, p_command, p_module, p_folder,
            p_occurred);
    end if;
    return true;
end $$;
