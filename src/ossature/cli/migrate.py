"""`ossature migrate`: apply the migrations and exit, as a deployment's Job does before a
roll-out (docs/deployment.md, decision 117).

`up` and `serve` migrate at start unless OSSATURE_MIGRATE=off; a deployment sets it off on
every role and runs this first. `--contract` also applies the contract migrations, once no
process of the code before them runs; `--check` applies nothing and says what is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console

from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime.application import Application
from ossature.runtime.endpoints import engines
from ossature.runtime.migrate import MigrationFailed, behind, ensure_database, migrate
from ossature.runtime.secrets import load_secrets

__all__ = ["migrate_command", "register"]


def migrate_command(
    contract: bool = typer.Option(
        False, "--contract", help="Also apply the contract migrations (after the roll-out)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Apply nothing; exit 1 if the schema is behind this code."
    ),
) -> None:
    """Apply the migrations (expand; with --contract, contract too) and exit."""
    settings, console = Settings.from_env(), Console()
    configure_logging(settings.log_format, settings.log_level)
    folders = Application.of().migration_folders()
    with _owner_database(settings) as owner_url:
        if check:
            missing = asyncio.run(behind(owner_url, folders))
            console.print(f"Behind: {', '.join(missing)}." if missing else "The schema is current.")
            raise typer.Exit(1 if missing else 0)
        passwords = load_secrets(settings.secrets_dir, settings.demo_password).database_roles
        try:
            applied = asyncio.run(migrate(owner_url, folders, passwords, contract=contract))
        except MigrationFailed as failed:
            Console(stderr=True).print(f"[bold red]Migration failed, nothing kept:[/] {failed}")
            raise typer.Exit(1) from failed
    phase = "expand and contract" if contract else "expand"
    console.print(f"Migrated ({phase}): {applied} files applied.")


@contextlib.contextmanager
def _owner_database(settings: Settings) -> Iterator[str]:
    """The owner's URL: OSSATURE_DATABASE_URL, else the embedded PostgreSQL of the var
    directory (attached to when running, else started for this)."""
    if settings.database_url:
        yield settings.database_url
        return
    with engines(settings, attach=True) as endpoints:
        database, url = endpoints.create_database, endpoints.owner_database_url
        yield asyncio.run(ensure_database(url, database)) if database else url


def register(cli: typer.Typer) -> None:
    cli.command("migrate")(migrate_command)
