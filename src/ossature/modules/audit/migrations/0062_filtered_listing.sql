-- The audit log is listed newest first, by actor, command name or outcome, and paged on
-- (recorded_at, entry_id): one index per leading filter, each ending with the page's order
-- so that a page is a range of it (modules/audit/_filters.py). The old ones order by time
-- alone and are replaced. One entry is found by its invocation id.
create index audit_by_time on audit_entries (tenant_id, recorded_at desc, entry_id desc);
create index audit_by_actor_time on audit_entries
    (tenant_id, actor_id, recorded_at desc, entry_id desc);
create index audit_by_name_time on audit_entries (tenant_id, name, recorded_at desc, entry_id desc);
create index audit_by_outcome_time on audit_entries
    (tenant_id, outcome, recorded_at desc, entry_id desc);
create index audit_by_invocation on audit_entries (tenant_id, invocation_id);
drop index audit_by_tenant_time;
drop index audit_by_actor;
