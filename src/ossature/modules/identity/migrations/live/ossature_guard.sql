-- The invocation's guard (decision 19): the kernel calls ossature_guard(p_guard) with BEGIN,
-- inside a statement that runs alone (its append functions, ossature_confine) and at the end
-- of an invocation that never began its transaction; this module says what a guard names.
-- Here a session's id: the check raises SQLSTATE OS401 once that session has ended or
-- expired. Row-level security confines the lookup to the tenant set just before. Called,
-- not run with EXECUTE, so PL/pgSQL keeps its plan for the connection. Defined here only:
-- one module defines the guard.
create or replace function ossature_guard(p_guard text) returns void
language plpgsql stable as $$
begin
    if not exists (
        select 1 from sessions
        where session_id = p_guard and ended_at is null and expires_at > now()
    ) then
        raise exception 'session ended' using errcode = 'OS401';
    end if;
end $$;
