-- The scheduler's role claims every tenant's due cycles for closing (decision 78): it reads
-- them and moves `close_claimed_until`, nothing else (runtime/migrate.py grants the column).
alter table billing_cycles add column close_claimed_until timestamptz;

create policy billing_cycles_scheduler on billing_cycles
    to ossature_scheduler using (true);

create index billing_cycles_due on billing_cycles (ends_at) where closed_at is null;
