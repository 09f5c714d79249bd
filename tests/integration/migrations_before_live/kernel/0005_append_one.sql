-- The commonest commit appends one event. ossature_append_once takes each column as an
-- array; for one event the client then encodes twelve one-element arrays, and checks
-- each array and element for its shape (about 80 isinstance calls against abstract base
-- classes per commit). This takes the event's columns as plain values and makes the
-- arrays here, then does exactly what ossature_append_once does.
create function ossature_append_one(
    p_tenant text, p_guard text,
    p_event_id text, p_event_type text, p_schema_version int, p_stream_type text,
    p_stream_id text, p_stream_version int, p_event_tenant text, p_occurred timestamptz,
    p_payload jsonb, p_context jsonb, p_originating text, p_causing text,
    p_key_tenant text, p_actor text, p_key text, p_command text, p_invocation text,
    p_outcome jsonb
) returns boolean language sql as $$
    select ossature_append_once(p_tenant, p_guard,
        array[p_event_id], array[p_event_type], array[p_schema_version], array[p_stream_type],
        array[p_stream_id], array[p_stream_version], array[p_event_tenant], array[p_occurred],
        array[p_payload], array[p_context], array[p_originating], array[p_causing],
        p_key_tenant, p_actor, p_key, p_command, p_invocation, p_outcome)
$$;
