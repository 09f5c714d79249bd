-- The entries of several commits of one tenant at once, each as ossature_audit_commit writes
-- one (decision 33): for a group commit, in one statement (kernel/group_commit.py).
create or replace function ossature_audit_commits(
    p_tenant text, p_invocations text[], p_commands text[], p_actors text[], p_contexts jsonb[],
    p_at timestamptz[]
) returns void language sql as $$
    insert into audit_entries (tenant_id, invocation_id, kind, name, actor_id, outcome, status,
        message_key, context, recorded_at)
        select p_tenant, u.invocation, 'command', u.command, nullif(u.actor, 'anonymous'),
            'allowed', 200, null, u.context, u.at
        from unnest(p_invocations, p_commands, p_actors, p_contexts, p_at)
            as u(invocation, command, actor, context, at);
$$;
