-- An invocation's guard is its session's id (kernel migration 0007): ossature_guard raises
-- SQLSTATE OS401 when that session has ended or expired. Row-level security confines the
-- lookup to the tenant the calling statement set just before.
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

drop function ossature_require_open_session(text);
