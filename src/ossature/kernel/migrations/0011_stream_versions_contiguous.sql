-- A stream's versions follow each other with no gap (decision 41): an event at version n > 1
-- needs its stream's event at n - 1. A foreign key, so the database holds it for every writer:
-- it is checked at the end of each statement (the events of one append may go in in any
-- order) and bypasses row-level security (it finds the earlier event whoever appends).
alter table events add column previous_version int
    generated always as (nullif(stream_version - 1, 0)) stored;
alter table events add constraint events_stream_versions_contiguous
    foreign key (stream_id, previous_version) references events (stream_id, stream_version)
    not valid;

-- The events stored before may hold a gap (nothing refused one then). Every new event is
-- checked either way; the old ones are checked here when they can be, and a database whose
-- history has a gap still starts, with a warning, rather than refusing to.
do $$
begin
    alter table events validate constraint events_stream_versions_contiguous;
exception when foreign_key_violation then
    raise warning 'events: a stream skips a version; new events are checked, older ones left';
end $$;
