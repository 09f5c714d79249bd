-- The appends take the command's meter (decision 75): their signatures grow by two
-- parameters, which `create or replace` cannot do. The live files define the new ones.
drop function if exists ossature_append_one(text, text, text, text, int, text, text, int, text,
    timestamptz, jsonb, jsonb, text, text, text, text, text, text, text, jsonb, text);
drop function if exists ossature_append_once(text, text, text[], text[], int[], text[], text[],
    int[], text[], timestamptz[], jsonb[], jsonb[], text[], text[], text, text, text, text,
    text, jsonb, text, jsonb, timestamptz);
