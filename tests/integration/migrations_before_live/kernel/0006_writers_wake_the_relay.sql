-- A session that wakes the relay itself (ossature.wakes_relay = on) skips the NOTIFY. The
-- application's pool is such a session: its pipeline wakes a relay in its own process
-- directly and one in another process over NATS. A NOTIFY takes a database-wide lock at
-- commit and holds it until the commit ends, so notifying commits queue behind each other:
-- with a gateway on its own, each create-project cost about 0.4 to 0.6 ms more PostgreSQL
-- CPU, and the gateway answered a third fewer of them
-- (docs/decisions/0018-the-relay-woken-over-nats.md). Writers that do not wake the relay
-- (a tool appending on a pool of its own) still notify.
create or replace function events_notify() returns trigger language plpgsql as $$
begin
    if current_setting('ossature.wakes_relay', true) = 'on' then
        return null;
    end if;
    perform pg_notify('ossature_events', '');
    return null;
end $$;
