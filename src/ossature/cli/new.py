"""`ossature new`: scaffolding, a module or a command, written into the project you stand in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ossature.tools.scaffold import NameRefused, ScaffoldRefused, new_command, new_module

__all__ = ["register"]

new_cli = typer.Typer(no_args_is_help=True, help="Scaffolding: a new module or command.")
_ROOT = Annotated[
    Path, typer.Option(help="The project's root (where pyproject.toml is).", show_default=False)
]


_MODULE_HELP = (
    "A module folder (one aggregate, a command, two queries, a projection, a migration,"
    " messages, tests), registered in the application and granted to tenant-admin."
)
_COMMAND_HELP = (
    "A command file (payload, event and fold, pure decide, handler), its row in the"
    " module's table, its action in roles.json and its test."
)


@new_cli.command("module", help=_MODULE_HELP)
def module(
    name: Annotated[str, typer.Argument(help="The module, plural: invoices, purchase-orders.")],
    entity: Annotated[
        str | None, typer.Option(help="One of its items, when not NAME without its s.")
    ] = None,
    root: _ROOT = Path(),
) -> None:
    _report(lambda: new_module(root.resolve(), name, entity), root)


@new_cli.command("command", help=_COMMAND_HELP)
def command(
    module: Annotated[str, typer.Argument(help="The module's package: projects, invoices.")],
    name: Annotated[str, typer.Argument(help="The command: approve-invoice.")],
    event: Annotated[
        str | None, typer.Option(help="Its event, when not the regular past: invoice-paid.")
    ] = None,
    root: _ROOT = Path(),
) -> None:
    _report(lambda: new_command(root.resolve(), module, name, event), root)


def _report(write: Callable[[], list[Path]], root: Path) -> None:
    console = Console()
    try:
        written = write()
    except (NameRefused, ScaffoldRefused) as refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(2) from None
    for path in written:
        console.print(f"  {path.resolve().relative_to(root.resolve())}")
    console.print("Run its tests: .venv/bin/python -m pytest tests/unit tests/integration -q")


def register(cli: typer.Typer) -> None:
    cli.add_typer(new_cli, name="new")
