-- An invoice or a credit note is one event, appended once: its stream refuses a second, for
-- every role (a correction is a credit note, decision 80).
create or replace function billing_documents_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'an issued % is immutable', new.stream_type using errcode = 'P0001';
end $$;

create or replace trigger billing_documents_immutable before insert on events
    for each row when (new.stream_type in ('invoice', 'credit-note') and new.stream_version > 1)
    execute function billing_documents_immutable();
