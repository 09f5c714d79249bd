"""`ossature keys`: the token signing keys, and the master key of personal data."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console

from ossature.engines import running_engines
from ossature.kernel.config import Settings
from ossature.runtime.endpoints import engines
from ossature.runtime.master_key import CURRENT, rotate_master_key
from ossature.runtime.migrate import ensure_database
from ossature.runtime.secrets import rotate_keys

__all__ = ["register"]

keys_cli = typer.Typer(no_args_is_help=True, help="Token signing keys and the master key.")


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Make a new signing key active; the previous one still verifies until the next rotation."""
    settings = Settings.from_env()
    kid = rotate_keys(settings.secrets_dir / "signing-keys")
    Console().print(f"New active signing key {kid}; restart the gateways to pick it up.")


@keys_cli.command("rotate-master")
def keys_rotate_master() -> None:
    """Make a new master key and re-wrap every tenant's key with it (decision 90). Run it
    with the system stopped (or restart every process right after)."""
    settings, console = Settings.from_env(), Console()
    if not (settings.secrets_dir / CURRENT).exists():
        console.print(f"[red]No master key in {settings.secrets_dir}[/]: nothing to rotate.")
        raise typer.Exit(1)
    running = running_engines(settings.var_dir) is not None
    with _owner_database(settings) as owner_url:
        rotated = asyncio.run(rotate_master_key(settings.secrets_dir, owner_url))
    if rotated.finished_earlier:
        console.print("An earlier rotation had stopped midway: it was finished first.")
    console.print(f"New master key {rotated.key_id}: {rotated.tenants} tenant keys re-wrapped.")
    if running:
        console.print("[yellow]The system is running: restart every process now.[/]")


@contextlib.contextmanager
def _owner_database(settings: Settings) -> Iterator[str]:
    """The owner's URL to the system's database: OSSATURE_DATABASE_URL, else the embedded
    PostgreSQL of the var directory (attached to when running, else started for this)."""
    if settings.database_url:
        yield settings.database_url
        return
    with engines(settings, attach=True) as endpoints:
        database = endpoints.create_database
        url = endpoints.owner_database_url
        yield asyncio.run(ensure_database(url, database)) if database else url


def register(cli: typer.Typer) -> None:
    cli.add_typer(keys_cli, name="keys")
