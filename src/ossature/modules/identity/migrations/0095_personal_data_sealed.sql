-- Personal data sealed, passwords out of the events (decisions 93 and 94).
--
-- `accounts.email` and `accounts.display_name` hold values sealed with the account's own key;
-- an account is found by `email_index`, a keyed hash of its normalized email bound to the
-- tenant, which takes over the email's uniqueness. Rows and events written before are sealed,
-- and their index computed, by a start-up step in Python (identity's `_legacy.py`): the keys
-- are not the database's to know.
--
-- Password hashes move to `account_passwords`, a credential table written by the commands
-- that set a password: no event carries one any more, and stored `password-set` events lose
-- theirs, once, here (the store refuses updates to anyone else: kernel live/
-- events_refuse_change.sql).

alter table accounts
    add column email_index text,
    add column forgotten_at timestamptz,
    drop constraint accounts_tenant_id_email_key,
    add constraint accounts_tenant_id_email_index_key unique (tenant_id, email_index);

create table account_passwords (
    tenant_id text not null,
    account_id text not null,
    hash text not null,
    set_at timestamptz not null,
    primary key (tenant_id, account_id)
);

alter table account_passwords enable row level security;
alter table account_passwords force row level security;
create policy account_passwords_tenant on account_passwords
    using (tenant_id = current_setting('app.tenant_id', true));

-- Row-level security is forced, on the owner too: each tenant's rows, with the tenant set
-- (and named, for an owner that is a superuser, whom no policy confines).
-- The store's trigger (defined live, after the migrations) exists only in a database that
-- was migrated before.
do $$
declare
    tenant record;
    guarded boolean := exists (select 1 from pg_trigger where tgname = 'events_no_update');
begin
    if to_regclass('tenants') is null then
        return;
    end if;
    if guarded then
        alter table events disable trigger events_no_update;
    end if;
    for tenant in select tenant_id from tenants loop
        perform set_config('app.tenant_id', tenant.tenant_id, true);
        insert into account_passwords (tenant_id, account_id, hash, set_at)
            select tenant_id, account_id, password_hash, now() from accounts
            where tenant_id = tenant.tenant_id and password_hash is not null;
        update events set payload = payload - 'passwordHash'
            where tenant_id = tenant.tenant_id and event_type = 'password-set'
                and payload ? 'passwordHash';
    end loop;
    perform set_config('app.tenant_id', '', true);
    if guarded then
        alter table events enable trigger events_no_update;
    end if;
end $$;

alter table accounts drop column password_hash;
