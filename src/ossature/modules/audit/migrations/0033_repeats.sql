-- An entry answered from an idempotency record names the invocation whose outcome it repeated
-- (decision 33): a command's own entry, written with its effects, has none, so it stands
-- exactly once however often the command is retried.
alter table audit_entries add column repeat_of text;
