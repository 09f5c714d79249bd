-- The changelog, owned by the inline projection `announcements`: one row per announcement,
-- the columns of its state (`state.py`) plus the tenant that published it (the platform's).
-- Every tenant's users read it: the read policy admits every row, the write policy only the
-- publishing tenant's (decision 66).

create table announcements (
    tenant_id text not null,
    announcement_id text primary key,
    title jsonb not null,
    body jsonb not null,
    link text,
    published_at timestamptz,
    published_by text not null,
    version int not null
);
create index announcements_by_time on announcements (published_at desc, announcement_id desc);

alter table announcements enable row level security;
alter table announcements force row level security;
create policy announcements_read on announcements for select using (true);
create policy announcements_write on announcements
    using (tenant_id = current_setting('app.tenant_id', true));
