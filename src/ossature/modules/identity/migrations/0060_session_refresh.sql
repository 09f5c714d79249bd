-- A session's idle window (decision 58): refresh-session renews its access token until
-- `refreshable_until`, and each refresh moves it on. Null for sessions that cannot be
-- refreshed: impersonations, and those opened before refresh tokens existed.
alter table credentials add column refreshable_until timestamptz;
