"""`ossature keys`: the token signing keys."""

from __future__ import annotations

import typer
from rich.console import Console

from ossature.kernel.config import Settings
from ossature.runtime.secrets import rotate_keys

__all__ = ["register"]

keys_cli = typer.Typer(no_args_is_help=True, help="Token signing keys.")


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Make a new signing key active; the previous one still verifies until the next rotation."""
    settings = Settings.from_env()
    kid = rotate_keys(settings.var_dir / "secrets" / "signing-keys")
    Console().print(f"New active signing key {kid}; restart the gateways to pick it up.")


def register(cli: typer.Typer) -> None:
    cli.add_typer(keys_cli, name="keys")
