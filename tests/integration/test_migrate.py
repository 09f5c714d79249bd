"""The migration runner on the real PostgreSQL: forward migrations once, live definitions
re-applied when their text changes, all in one transaction, and an upgraded database equal to
a new one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from ossature.kernel.ids import new_id
from ossature.runtime.migrate import MigrationFailed, live_files, migrate
from ossature.runtime.system import System
from tests.integration.conftest import Fresh

_BEFORE_LIVE = Path(__file__).parent / "migrations_before_live"

# What a database holds, as text to compare: every function with its body, trigger, column,
# index, policy, domain and constraint of the schema, and what each of Ossature's roles may do
# to each table.
_SCHEMA = """
select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
        || pg_get_function_result(p.oid) || ' ' || p.provolatile::text || ' ' || p.prosrc
    from pg_proc p where p.pronamespace = 'public'::regnamespace
union all
select 'trigger ' || pg_get_triggerdef(t.oid) from pg_trigger t
    join pg_class c on c.oid = t.tgrelid
    where not t.tgisinternal and c.relnamespace = 'public'::regnamespace
union all
select 'column ' || table_name || '.' || column_name || ' ' || data_type || ' '
        || is_nullable || ' ' || coalesce(column_default, '')
    from information_schema.columns where table_schema = 'public'
        and table_name not in ('schema_migrations', 'schema_live')
union all
select 'index ' || indexdef from pg_indexes where schemaname = 'public'
union all
select 'policy ' || tablename || ' ' || policyname || ' ' || coalesce(qual, '')
    || ' ' || roles::text from pg_policies where schemaname = 'public'
union all
select 'domain ' || typname || ' ' || format_type(typbasetype, typtypmod) from pg_type
    where typnamespace = 'public'::regnamespace and typtype = 'd'
union all
select 'constraint ' || conrelid::regclass::text || ' ' || conname || ' '
        || pg_get_constraintdef(oid) from pg_constraint
    where connamespace = 'public'::regnamespace and conrelid <> 0
union all
select 'privilege ' || grantee || ' ' || table_name || ' ' || privilege_type
    from information_schema.role_table_grants
    where table_schema = 'public' and grantee like 'ossature%'
order by 1
"""


async def test_a_database_of_the_code_before_live_definitions_upgrades_to_what_a_new_one_holds(
    system: System, fresh: Fresh
) -> None:
    """The old chain (functions restated by later migrations), then the current one, leaves
    the same functions, triggers, tables, indexes, policies and types as the current chain
    alone; a second run applies nothing."""
    folders = system.app.migration_folders()
    before = [(module, _BEFORE_LIVE / module) for module, _ in folders]
    upgraded, new = await fresh(), await fresh()
    await migrate(upgraded, before, {})
    # when
    await migrate(upgraded, folders, {})
    await migrate(new, folders, {})
    again = await migrate(upgraded, folders, {})
    # then
    assert await _schema(new) == await _schema(upgraded)
    assert 0 == again


async def test_a_live_file_is_applied_again_when_its_text_changes_and_only_then(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """Forward migrations run once; the live definitions run after them, all of them again
    when a live file's text changes, and not otherwise."""
    url, folders = await fresh(), [*system.app.migration_folders(), ("probe", tmp_path)]
    (tmp_path / "live").mkdir()
    (tmp_path / "0001_answers.sql").write_text("create table answers (value int);")
    answer = tmp_path / "live" / "probe_answer.sql"
    answer.write_text(_answer(1))
    await migrate(url, folders, {})
    unchanged = await migrate(url, folders, {})
    answer.write_text(_answer(2))
    # when
    changed = await migrate(url, folders, {})
    # then
    assert (0, len(live_files(folders))) == (unchanged, changed)
    assert 2 == await _fetchval(url, "select probe_answer()")


async def test_a_failing_file_leaves_the_database_as_it_was(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """Forward and live files go in one transaction: when a live file fails, the forward
    migration before it is not kept either, and the error names the file."""
    url, folders = await fresh(), [*system.app.migration_folders(), ("probe", tmp_path)]
    (tmp_path / "live").mkdir()
    (tmp_path / "0001_answers.sql").write_text("create table answers (value int);")
    (tmp_path / "live" / "probe_answer.sql").write_text("create function probe_answer(")
    # when
    with pytest.raises(MigrationFailed) as failed:
        await migrate(url, folders, {})
    # then
    assert "probe/live/probe_answer.sql" in str(failed.value)
    assert (None, None) == (
        await _fetchval(url, "select to_regclass('answers')::text"),
        await _fetchval(url, "select to_regclass('schema_migrations')::text"),
    )


async def test_a_database_holding_a_gap_in_a_stream_upgrades_and_checks_new_events(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """A store of the code before contiguous versions may hold a stream at 1 then 7: the
    upgrade keeps it (the old rows left unchecked), and every new event is checked."""
    url, folders = await fresh(), system.app.migration_folders()
    await migrate(
        url, _without(folders, "kernel/0011_stream_versions_contiguous.sql", tmp_path), {}
    )
    stream = new_id()
    await _insert_events(url, stream, [1, 7])
    # when
    await migrate(url, folders, {})
    # then
    assert False is await _fetchval(url, _VALIDATED)
    await _insert_events(url, stream, [8])
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await _insert_events(url, stream, [10])


async def test_a_database_with_no_gap_has_every_event_checked(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """A store whose streams have no gap upgrades with the rule checked on its old events too."""
    url, folders = await fresh(), system.app.migration_folders()
    await migrate(
        url, _without(folders, "kernel/0011_stream_versions_contiguous.sql", tmp_path), {}
    )
    await _insert_events(url, new_id(), [1, 2])
    # when
    await migrate(url, folders, {})
    # then
    assert True is await _fetchval(url, _VALIDATED)


async def test_what_an_earlier_version_granted_the_application_is_taken_back(
    system: System, fresh: Fresh
) -> None:
    """The application's role was granted every table, cursors and migrations included: the
    next start's migration takes back what it does not own."""
    url = await fresh()
    await migrate(url, system.app.migration_folders(), {})
    await _execute(
        url, "grant select, insert, update, delete on all tables in schema public to ossature_app"
    )
    # when
    await migrate(url, system.app.migration_folders(), {})
    # then
    assert [] == await _fetchval(url, _APP_WRITES_UNOWNED)


_VALIDATED = """select convalidated from pg_constraint
    where conname = 'events_stream_versions_contiguous'"""
_APP_WRITES_UNOWNED = """select coalesce(array_agg(relname::text order by relname), '{}')
    from pg_class where relname in ('relay_cursor', 'projection_checkpoints',
        'notifier_cursors', 'schema_migrations', 'schema_live')
    and has_table_privilege('ossature_app', oid, 'insert, update, delete, truncate')"""


def _without(folders: list[tuple[str, Path]], name: str, tmp_path: Path) -> list[tuple[str, Path]]:
    """`folders` as an earlier version had them: the forward migration `name` not yet written."""
    module, file = name.split("/")
    copies = []
    for each, folder in folders:
        if each == module:
            shutil.copytree(folder, tmp_path / each)
            (tmp_path / each / file).unlink()
            folder = tmp_path / each
        copies.append((each, folder))
    return copies


async def _insert_events(url: str, stream: str, versions: list[int]) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("set app.tenant_id = 'old'")  # an owner that is no superuser: RLS
        await conn.executemany(
            "insert into events (event_id, event_type, schema_version, stream_type, stream_id,"
            " stream_version, tenant_id, occurred_at, payload, context)"
            " values ($1, 'noted', 1, 'note', $2, $3, 'old', now(), '{}', '{}')",
            [(new_id(), stream, version) for version in versions],
        )
    finally:
        await conn.close()


async def _execute(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _answer(value: int) -> str:
    return f"create or replace function probe_answer() returns int language sql as $$ select {value} $$;"


async def _schema(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [row[0] for row in await conn.fetch(_SCHEMA)]
    finally:
        await conn.close()


async def _fetchval(url: str, query: str) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(query)
    finally:
        await conn.close()
