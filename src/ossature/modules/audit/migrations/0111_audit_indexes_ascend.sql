-- The four listing indexes of migration 0062 ascend in time; a page, newest first, walks
-- its index backward (decision 144). An entry's time only grows: descending, each new entry
-- landed on the leftmost leaf of its range, and each split of that leaf left a half-empty
-- page behind. Ascending, it lands at the right end of its range, and at the right end of
-- the index (the newest tenant's range) a split keeps the left page 90% full.
drop index audit_by_time;
create index audit_by_time on audit_entries (tenant_id, recorded_at, entry_id);
drop index audit_by_actor_time;
create index audit_by_actor_time on audit_entries (tenant_id, actor_id, recorded_at, entry_id);
drop index audit_by_name_time;
create index audit_by_name_time on audit_entries (tenant_id, name, recorded_at, entry_id);
drop index audit_by_outcome_time;
create index audit_by_outcome_time on audit_entries (tenant_id, outcome, recorded_at, entry_id);
