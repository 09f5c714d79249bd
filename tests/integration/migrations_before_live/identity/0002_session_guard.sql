-- The session check, run in the same round trip as the invocation's BEGIN: it raises
-- SQLSTATE OS401 when the session has ended or expired (row-level security confines the
-- lookup to the tenant set just before it).
create function ossature_require_open_session(wanted text) returns void
language plpgsql stable as $$
begin
    if not exists (
        select 1 from sessions
        where session_id = wanted and ended_at is null and expires_at > now()
    ) then
        raise exception 'session ended' using errcode = 'OS401';
    end if;
end
$$;
