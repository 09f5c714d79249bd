-- The start-up step that seals what versions before decision 93 left in plain text
-- (identity's `_legacy.py`) reads every tenant's accounts. Once one pass found nothing left
-- to seal, it says so here, and the starts after it read nothing. A single row, the owner's:
-- no tenant's and no role's (runtime/migrate.py takes the grant back).

create table identity_legacy_sealed (
    one boolean primary key default true check (one),
    found_nothing_at timestamptz not null default now()
);
