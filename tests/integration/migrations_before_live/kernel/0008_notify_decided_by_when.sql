-- The store's trigger decides in its WHEN clause whether a statement notifies (kernel
-- migration 0006: not when the session wakes the relay itself), so a session that does
-- not notify no longer calls a PL/pgSQL function that returns at once. Measured on one
-- connection, an insert into a table with such a statement trigger cost 10 us more backend
-- CPU than into one without; with the condition in WHEN, 3 us (docs/performance.md).
drop trigger events_appended on events;
create trigger events_appended after insert on events
    for each statement
    when (current_setting('ossature.wakes_relay', true) is distinct from 'on')
    execute function events_notify();

create or replace function events_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('ossature_events', '');
    return null;
end $$;
