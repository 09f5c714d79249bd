-- A deactivated account keeps its row (its history, its audit entries) and is refused
-- everywhere: by the guard (live/ossature_guard.sql), log-in and the auth callout.
alter table accounts add column deactivated_at timestamptz;
