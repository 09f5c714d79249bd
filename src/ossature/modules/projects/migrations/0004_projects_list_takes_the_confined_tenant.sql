-- projects_list now takes the tenant the kernel's door confined (ossature_confined) instead of
-- the tenant and the guard: a new signature, so the old function is dropped here, before the
-- live definitions are applied (create or replace cannot change a signature).
drop function if exists projects_list(text, text, text[], text, boolean);
