-- A writer in the relay's own process wakes the relay directly (its sessions carry
-- ossature.relay_in_process = on): its commits skip the NOTIFY, which cost each commit a
-- write to the notification queue and a wake-up of the listening backend and process.
-- Writers elsewhere (a gateway on its own) still notify.
create or replace function events_notify() returns trigger language plpgsql as $$
begin
    if current_setting('ossature.relay_in_process', true) = 'on' then
        return null;
    end if;
    perform pg_notify('ossature_events', '');
    return null;
end $$;
