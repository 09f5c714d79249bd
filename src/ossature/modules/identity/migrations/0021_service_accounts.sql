-- Service accounts (decision 48): accounts of kind `service`, with no email and no password,
-- made at a folder (where their role is, and where their keys are managed).
alter table accounts
    add column kind text not null default 'user' check (kind in ('user', 'service')),
    add column folder_id text,
    alter column email drop not null;
