-- Mails that failed for good (the SMTP server answered 5xx, or the mail could not be made):
-- recorded by the mail sink in the transaction that moves its checkpoint past the event,
-- so each is recorded once, and skipped (decision 46).

create table mail_failures (
    tenant_id text not null,
    event_id text not null,
    template text not null,
    recipient text not null,
    reason text not null,
    failed_at timestamptz not null default now(),
    primary key (tenant_id, event_id, template)
);

alter table mail_failures enable row level security;
alter table mail_failures force row level security;
create policy mail_failures_tenant on mail_failures
    using (tenant_id = current_setting('app.tenant_id', true));
