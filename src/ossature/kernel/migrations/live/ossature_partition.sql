-- The partition of a tenant's events (decision 112), as NATS's `partition(n, …)` subject
-- mapping computes it from the tenant token: FNV-1a (32 bits) of its UTF-8 bytes, modulo n.
-- Its result may never change: the index below holds it (a new body would leave the index
-- answering the old one's partitions; a change of count is a new index, decision 112).
create or replace function ossature_partition(tenant text, partitions int) returns int
    language plpgsql immutable strict parallel safe as $$
declare
    bytes bytea := convert_to(tenant, 'UTF8');
    hashed bigint := 2166136261;
begin
    for i in 0 .. length(bytes) - 1 loop
        hashed := ((hashed # get_byte(bytes, i)) * 16777619) & 4294967295;
    end loop;
    return hashed % partitions;
end $$;

-- A projection's worker reads one partition's events after its checkpoint in global order
-- (kernel/_eventstore_sql.py, _READ_PARTITION): this index hands them over in that order.
-- 16 is kernel/relay.py's PARTITIONS.
create index if not exists events_by_partition
    on events (ossature_partition(tenant_id, 16), transaction_id, position);
