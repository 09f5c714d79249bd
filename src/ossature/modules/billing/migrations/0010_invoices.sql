-- Invoices and credit notes, owned by the inline projection `billing-invoices`: one row per
-- document, its whole issued payload in `document` (get-invoice answers it), and for an
-- invoice the sum of its credit notes in `credited` (issue-credit-note locks the row to keep
-- the sum within the total). Amounts are minor units of `currency`; a credit note's total
-- is negative. Documents are immutable: their streams hold one event (live/billing_documents_immutable.sql).

create table invoices (
    tenant_id text not null,
    invoice_id text primary key,
    kind text not null check (kind in ('invoice', 'credit-note')),
    number text not null,
    invoice_of text,
    cycle_id text not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    plan text not null,
    currency text not null,
    total bigint not null,
    credited bigint not null default 0,
    issued_at timestamptz not null,
    document jsonb not null,
    unique (tenant_id, number)
);
create index invoices_by_tenant on invoices (tenant_id, invoice_id desc);

alter table invoices enable row level security;
alter table invoices force row level security;
create policy invoices_tenant on invoices
    using (tenant_id = current_setting('app.tenant_id', true));

-- The last number given per tenant and year: `<year>-<NNNN>`, one series for invoices and
-- credit notes, without gaps (the counter moves in the issuing transaction, under its lock).
create table billing_numbers (
    tenant_id text not null,
    year int not null,
    last int not null,
    primary key (tenant_id, year)
);

alter table billing_numbers enable row level security;
alter table billing_numbers force row level security;
create policy billing_numbers_tenant on billing_numbers
    using (tenant_id = current_setting('app.tenant_id', true));
