"""Every SQL function that confines a statement to a tenant, or takes the invocation's guard,
checks the guard: read from the database after migrations, so a module's new function is
checked as soon as it is defined."""

from __future__ import annotations

from typing import Any

import asyncpg

from ossature.runtime.system import System

# Functions of the schema that set the tenant themselves or take a guard, and whether they
# call ossature_guard (which itself takes the guard: it is the check).
_CONFINING = r"""
select p.proname, p.prosrc ~ 'ossature_guard\s*\(' as guarded
from pg_proc p
where p.pronamespace = 'public'::regnamespace and p.proname <> 'ossature_guard'
    and (p.prosrc ~ 'set_config\s*\(\s*''app\.tenant_id'''
        or 'p_guard' = any(coalesce(p.proargnames, '{}')))
order by 1
"""

# A module function of the shape the door replaced, that forgets the guard.
_FORGETFUL = """
create function forgetful_list(p_tenant text, p_guard text) returns setof text
language plpgsql stable as $$
begin
    perform set_config('app.tenant_id', p_tenant, true);
    return query select name from projects;
end $$
"""


async def test_every_function_that_confines_a_statement_checks_the_guard(system: System) -> None:
    """The kernel's one-statement functions (the door's `ossature_confine`, the appends) and
    any module's that confine themselves call `ossature_guard`."""
    owner = await asyncpg.connect(system.owner_url)
    try:
        confining = await _confining(owner)
    finally:
        await owner.close()

    assert "ossature_confine" in confining
    assert [] == _unguarded(confining)


async def test_a_function_that_confines_a_statement_and_skips_the_guard_is_found(
    system: System,
) -> None:
    """The check above fails for a module function that sets the tenant and forgets the
    guard (defined for this test only, in a transaction rolled back)."""
    owner = await asyncpg.connect(system.owner_url)
    try:
        transaction = owner.transaction()
        await transaction.start()
        await owner.execute(_FORGETFUL)
        confining = await _confining(owner)
        await transaction.rollback()
    finally:
        await owner.close()

    assert ["forgetful_list"] == _unguarded(confining)


async def _confining(conn: Any) -> dict[str, bool]:
    return {row["proname"]: row["guarded"] for row in await conn.fetch(_CONFINING)}


def _unguarded(confining: dict[str, bool]) -> list[str]:
    return [name for name, guarded in confining.items() if not guarded]
