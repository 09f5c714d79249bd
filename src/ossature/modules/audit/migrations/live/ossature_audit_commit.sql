-- The audit entry of a command's original execution, called by the kernel's appends in the
-- statement that records the command's key and appends its events (decision 33): the entry
-- exists exactly when the command's effects do. The kernel calls it and knows no audit
-- table; an actor the kernel calls 'anonymous' (a public command) is stored as none.
create or replace function ossature_audit_commit(
    p_tenant text, p_invocation text, p_command text, p_actor text, p_context jsonb,
    p_at timestamptz
) returns void language plpgsql as $$
begin
    insert into audit_entries (tenant_id, invocation_id, kind, name, actor_id, outcome, status,
        message_key, context, recorded_at)
        values (p_tenant, p_invocation, 'command', p_command, nullif(p_actor, 'anonymous'),
            'allowed', 200, null, p_context, p_at);
end $$;
