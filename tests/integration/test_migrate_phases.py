"""Expand then contract on the real PostgreSQL: a contract migration waits for
`migrate --contract`, and a process started with OSSATURE_MIGRATE=off checks the schema
instead of migrating, refusing a database that lacks what its code needs (decision 117)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from ossature.kernel.config import Settings
from ossature.runtime.endpoints import Endpoints
from ossature.runtime.migrate import SchemaBehind, behind, migrate
from ossature.runtime.system import System
from tests.integration.conftest import Fresh

Folders = list[tuple[str, Path]]


def _probe(system: System, folder: Path) -> Folders:
    """The application's folders and a probe module's, holding a table with a column that
    a contract migration drops."""
    (folder / "live").mkdir(exist_ok=True)
    (folder / "0001_answers.sql").write_text("create table answers (value int, old text);")
    (folder / "0002_answers_drop_old.contract.sql").write_text(
        "alter table answers drop column old;"
    )
    return [*system.app.migration_folders(), ("probe", folder)]


async def test_a_contract_migration_waits_for_the_contract_phase(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """The expand phase applies every migration but the contract one, which leaves the old
    column for the code still using it; the contract phase then drops it, once."""
    url, folders = await fresh(), _probe(system, tmp_path)
    # when
    await migrate(url, folders, {})
    expanded = await _columns(url)
    contracted = await migrate(url, folders, {}, contract=True)
    again = await migrate(url, folders, {}, contract=True)
    # then
    assert (["old", "value"], ["value"]) == (expanded, await _columns(url))
    assert (1, 0) == (contracted, again)
    assert await _fetchval(
        url,
        "select 1 from schema_migrations where name = 'probe/0002_answers_drop_old.contract.sql'",
    )


async def test_a_database_lacking_an_expand_migration_is_behind_and_a_contract_one_is_not(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """Behind names each expand migration not applied; a contract migration not yet applied
    is where every database stands between the roll-out and the contract phase."""
    url, folders = await fresh(), _probe(system, tmp_path)
    await migrate(url, folders, {})
    (tmp_path / "0003_answers_note.sql").write_text("alter table answers add column note text;")
    # when
    lacking = await behind(url, folders)
    await migrate(url, folders, {})
    # then
    assert (["probe/0003_answers_note.sql"], []) == (lacking, await behind(url, folders))


async def test_live_definitions_never_applied_are_behind_and_replaced_ones_are_not(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """Code whose live definitions a later version replaced (an old process restarted during
    a roll-out) finds the database ahead and starts; code whose own were never applied
    finds it behind."""
    url, folders = await fresh(), _probe(system, tmp_path)
    answer = tmp_path / "live" / "probe_answer.sql"
    answer.write_text(_answer(1))
    await migrate(url, folders, {})
    answer.write_text(_answer(2))
    await migrate(url, folders, {})
    # when
    answer.write_text(_answer(1))
    older = await behind(url, folders)
    answer.write_text(_answer(3))
    newer = await behind(url, folders)
    # then
    assert ([], ["live definitions"]) == (older, newer)


async def test_a_start_with_migrations_off_refuses_a_database_behind_its_code(
    system: System, endpoints: Endpoints, fresh: Fresh
) -> None:
    """OSSATURE_MIGRATE=off: on an empty database the start applies nothing and refuses,
    naming what is missing and the command that applies it."""
    url = await fresh()
    settings = replace(system.settings, migrate=False)
    starting = System(settings, replace(endpoints, owner_database_url=url, create_database=None))
    # when
    with pytest.raises(SchemaBehind) as refused:
        await starting.start(("scheduler",))
    await starting.stop()
    # then
    assert "kernel/0001" in str(refused.value)
    assert "ossature migrate" in str(refused.value)
    assert None is await _fetchval(url, "select to_regclass('schema_migrations')::text")


async def test_a_start_with_migrations_off_runs_on_a_database_the_job_migrated(
    system: System, endpoints: Endpoints, fresh: Fresh
) -> None:
    """The migrations Job's work (the same role passwords as the system's), then a start
    with OSSATURE_MIGRATE=off: the roles run and are ready."""
    url = await fresh()
    assert system.secrets is not None
    await migrate(url, system.app.migration_folders(), system.secrets.database_roles)
    settings = Settings.from_env(
        {"OSSATURE_MIGRATE": "off", "OSSATURE_VAR_DIR": str(system.settings.var_dir)}
    )
    started = System(settings, replace(endpoints, owner_database_url=url, create_database=None))
    # when
    try:
        await started.start(("scheduler",))
        ready = await started.ready()
    finally:
        await started.stop()
    # then
    assert (False, True) == (settings.migrate, ready)


async def test_ossature_migrate_applies_the_migrations_and_check_then_finds_none_missing(
    system: System, fresh: Fresh, tmp_path: Path
) -> None:
    """The command the migrations Job runs, as a process: `--check` says the empty database
    is behind (exit 1), `migrate` applies and exits 0, `--check` then says it is current."""
    env = _environment(system, await fresh(), tmp_path)
    # when
    before = _ossature(env, "migrate", "--check")
    applied = _ossature(env, "migrate")
    after = _ossature(env, "migrate", "--check")
    # then
    assert (1, 0, 0) == (before.returncode, applied.returncode, after.returncode), applied.stderr
    assert "Behind: kernel/0001" in before.stdout
    assert "Migrated (expand)" in applied.stdout
    assert "The schema is current." in after.stdout


async def test_a_role_started_with_migrations_off_on_a_database_behind_exits_with_one_line(
    system: System, endpoints: Endpoints, fresh: Fresh, tmp_path: Path
) -> None:
    """`serve scheduler` with OSSATURE_MIGRATE=off on an empty database says why it cannot
    start, in one line, and exits 1 (its pod restarts until the Job has run)."""
    env = _environment(system, await fresh(), tmp_path) | {
        "OSSATURE_NATS_URL": endpoints.nats_url,
        "OSSATURE_SMTP_URL": "smtp://127.0.0.1:1",  # no embedded mail server for this
        "OSSATURE_MIGRATE": "off",
    }
    # when
    refused = _ossature(env, "serve", "scheduler")
    # then
    assert 1 == refused.returncode
    assert "Ossature cannot start: the database schema is behind" in refused.stderr
    assert "Traceback" not in refused.stderr


def _environment(system: System, url: str, var_dir: Path) -> dict[str, str]:
    """A process on the database at `url`, with the test system's secrets: the same role
    passwords, which migrating sets on the engine's roles."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSATURE_")}
    return env | {
        "OSSATURE_DATABASE_URL": url,
        "OSSATURE_VAR_DIR": str(var_dir),
        "OSSATURE_SECRETS_DIR": str(system.settings.secrets_dir),
        "OSSATURE_LOG_LEVEL": "warning",
        "OSSATURE_LOG_COPY": os.environ.get("OSSATURE_LOG_COPY", ""),
    }


def _ossature(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ossature", *args],
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _answer(value: int) -> str:
    return f"create or replace function probe_answer() returns int language sql as $$ select {value} $$;"


async def _columns(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "select column_name from information_schema.columns"
            " where table_name = 'answers' order by column_name"
        )
        return [row[0] for row in rows]
    finally:
        await conn.close()


async def _fetchval(url: str, query: str) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(query)
    finally:
        await conn.close()
