-- Nothing reads events by tenant and type (projections and the relay read in global order,
-- commands and the notifier by stream). The index cost a write on every append, and under
-- the tenant's RLS policy it offered the planner a wrong road for loading streams: on a
-- store grown faster than its statistics, a scan of every event of the tenant.
drop index if exists events_by_tenant_type;
