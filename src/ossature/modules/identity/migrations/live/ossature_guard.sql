-- The invocation's guard (decisions 19 and 49): the kernel calls ossature_guard(p_guard) with
-- BEGIN, inside a statement that runs alone (its append functions, ossature_confine) and at
-- the end of an invocation that never began its transaction; this module says what a guard
-- names. Here a credential's id (a session, a personal access token or an API key, one
-- table): the check raises SQLSTATE OS401 once that credential has ended (logged out,
-- revoked) or expired, or its account is deactivated (decision 50). Every condition a
-- credential must meet stands in this one statement, at the cost of the same round trip.
-- Row-level security confines the lookup to the tenant set just before. Called, not run
-- with EXECUTE, so PL/pgSQL keeps its plan for the connection. Defined here only: one module
-- defines the guard.
create or replace function ossature_guard(p_guard text) returns void
language plpgsql stable as $$
begin
    if not exists (
        select 1 from credentials c
        where c.credential_id = p_guard and c.ended_at is null and c.expires_at > now()
            and not exists (
                select 1 from accounts a
                where a.account_id = c.account_id and a.deactivated_at is not null
            )
    ) then
        raise exception 'credential ended' using errcode = 'OS401';
    end if;
end $$;
