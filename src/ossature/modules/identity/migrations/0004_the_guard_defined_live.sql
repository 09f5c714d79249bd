-- The session check's first name, replaced by ossature_guard (live/ossature_guard.sql): a
-- database migrated before the guard became a value may still hold it.
drop function if exists ossature_require_open_session(text);
