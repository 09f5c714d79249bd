"""The database's own account of its tables, read after migrations: tests derive from it."""

from __future__ import annotations

from typing import Any

import asyncpg

__all__ = ["tenant_tables"]

# Every table of the public schema with a `tenant_id` column, with its row-level security.
_TENANT_TABLES = """
select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
       (select count(*) from pg_policy p where p.polrelid = c.oid) as policies,
       pg_get_userbyid(c.relowner) as owner
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p')
  and exists (
    select 1 from pg_attribute a
    where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
  )
order by c.relname
"""


async def tenant_tables(conn: Any) -> list[asyncpg.Record]:
    """Every table with a `tenant_id` column: name, RLS enabled and forced, policies, owner."""
    return list(await conn.fetch(_TENANT_TABLES))
