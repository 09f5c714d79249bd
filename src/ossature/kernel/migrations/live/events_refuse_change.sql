-- The store is append-only, enforced by the database for every role, owner included.
create or replace function events_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'events are append-only' using errcode = 'P0001';
end $$;

create or replace trigger events_no_update before update or delete on events
    for each row execute function events_refuse_change();
create or replace trigger events_no_truncate before truncate on events
    for each statement execute function events_refuse_change();
