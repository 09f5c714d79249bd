-- The invocation's guard is a value handed to ossature_guard, which every statement that
-- runs alone as an invocation's transaction calls first (and BEGIN, for the others). The
-- kernel declares it and accepts every guard; the module that knows what a guard names
-- (identity: a session, refused once it has ended) replaces its body. Called, not run
-- with EXECUTE as a statement text: EXECUTE parses and plans its text on every call, and
-- a called function keeps its plans for the connection. Measured on one connection: a
-- one-event commit 230 -> 167 us of backend CPU with the one-event path below
-- (docs/decisions/0019-the-guard-is-a-value.md). Defined once here: a later kernel
-- migration must not replace it, or it would undo the module's body.
create function ossature_guard(p_guard text) returns void language plpgsql stable as $$
begin
end $$;

create or replace function ossature_append_once(
    p_tenant text, p_guard text,
    p_event_ids text[], p_event_types text[], p_schema_versions int[], p_stream_types text[],
    p_stream_ids text[], p_stream_versions int[], p_tenants text[], p_occurred timestamptz[],
    p_payloads jsonb[], p_contexts jsonb[], p_originating text[], p_causing text[],
    p_key_tenant text, p_actor text, p_key text, p_command text, p_invocation text,
    p_outcome jsonb
) returns boolean language plpgsql as $$
begin
    perform set_config('app.tenant_id', p_tenant, true);
    if p_guard <> '' then
        perform ossature_guard(p_guard);
    end if;
    insert into idempotency_records (tenant_id, actor_id, key, command, invocation_id, outcome)
        values (p_key_tenant, p_actor, p_key, p_command, p_invocation, p_outcome)
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
    return true;
end $$;

-- One event, inserted from its values: the same steps as ossature_append_once without
-- making twelve one-element arrays and unnesting them again.
create or replace function ossature_append_one(
    p_tenant text, p_guard text,
    p_event_id text, p_event_type text, p_schema_version int, p_stream_type text,
    p_stream_id text, p_stream_version int, p_event_tenant text, p_occurred timestamptz,
    p_payload jsonb, p_context jsonb, p_originating text, p_causing text,
    p_key_tenant text, p_actor text, p_key text, p_command text, p_invocation text,
    p_outcome jsonb
) returns boolean language plpgsql as $$
begin
    perform set_config('app.tenant_id', p_tenant, true);
    if p_guard <> '' then
        perform ossature_guard(p_guard);
    end if;
    insert into idempotency_records (tenant_id, actor_id, key, command, invocation_id, outcome)
        values (p_key_tenant, p_actor, p_key, p_command, p_invocation, p_outcome)
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
    return true;
end $$;
