"""`ossature schemas`: the committed registry of event schemas (`schemas/events/`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ossature.tools.schemas import Problem, check, declared, write

__all__ = ["register"]

schemas_cli = typer.Typer(no_args_is_help=True, help="Event schemas: write and check the registry.")
_ROOT = Annotated[
    Path, typer.Option(help="The project's root (where schemas/ is).", show_default=False)
]


@schemas_cli.command("write")
def schemas_write(root: _ROOT = Path()) -> None:
    """Write each event type's current version's schema; never an older version's file, and
    never an incompatible change over a committed one."""
    written, refused = write(declared(), root)
    console = Console()
    for path in written:
        console.print(f"  wrote {path.relative_to(root)}")
    _refuse(console, refused)
    console.print(f"{len(written)} schema(s) written.")


@schemas_cli.command("check")
def schemas_check(root: _ROOT = Path()) -> None:
    """Exit 1, saying why, when a struct no longer reads its committed schema, a schema is
    missing or out of date, or an upcaster is missing."""
    console = Console()
    _refuse(console, check(declared(), root))
    console.print(f"{len(declared())} event types match the committed schemas.")


def _refuse(console: Console, problems: list[Problem]) -> None:
    for problem in problems:
        console.print(f"[red]{problem}[/red]", soft_wrap=True)
    if problems:
        raise typer.Exit(1)


def register(cli: typer.Typer) -> None:
    cli.add_typer(schemas_cli, name="schemas")
