-- A session opened by start-impersonation names the operator acting in it and the reason
-- they gave (decision 51); an account's own sessions and its other credentials have neither.
alter table credentials add column on_behalf_of text;
alter table credentials add column reason text;
