-- A key's record keeps a digest of the command's payload, so that the same key sent with
-- another payload is refused rather than answered with the first outcome (decision 34).
-- Records written before have none: any payload matches them.
alter table idempotency_records add column fingerprint text;

-- The appends take the fingerprint, and ossature_append_once the context and time of the
-- command's audit entry (decision 33): their signatures change, so the old ones go here.
drop function if exists ossature_append_one(text, text, text, text, int, text, text, int, text,
    timestamptz, jsonb, jsonb, text, text, text, text, text, text, text, jsonb);
drop function if exists ossature_append_once(text, text, text[], text[], int[], text[], text[],
    int[], text[], timestamptz[], jsonb[], jsonb[], text[], text[], text, text, text, text, text,
    jsonb);
