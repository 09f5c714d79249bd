-- The notifier's place in the event stream: the JetStream sequence of the last event it notified.

create table notifier_cursors (
    name text primary key,
    stream_sequence bigint not null default 0,
    updated_at timestamptz not null default now()
);
