-- Wake the relay when a transaction that appended events commits, unless the session wakes
-- the relay itself (ossature.wakes_relay = on). The application's pool is such a session: its
-- pipeline wakes a relay in its own process directly and one in another process over NATS.
-- A NOTIFY takes a database-wide lock at commit and holds it until the commit ends, so
-- notifying commits queue behind each other: with a gateway on its own, each create-project
-- cost about 0.4 to 0.6 ms more PostgreSQL CPU, and the gateway answered a third fewer of
-- them (decision 18). Writers that do not wake the relay (a tool appending on a pool of its
-- own) still notify.
--
-- The trigger decides in its WHEN clause, so a session that does not notify calls no
-- function: measured on one connection, an insert into a table with a statement trigger
-- whose function returns at once cost 10 us more backend CPU than into one without; with
-- the condition in WHEN, 3 us (docs/performance.md).
create or replace function events_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('ossature_events', '');
    return null;
end $$;

create or replace trigger events_appended after insert on events
    for each statement
    when (current_setting('ossature.wakes_relay', true) is distinct from 'on')
    execute function events_notify();
