-- An account's email is verified once its owner used a link mailed to it (accept-invitation,
-- verify-email). Accounts made before are not: their owners may ask for a link.
alter table accounts add column email_verified boolean not null default false;
