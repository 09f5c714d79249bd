"""The `ossature` command: one file per command group, each listed once in GROUPS.

A group is a module with `register(cli)`, which adds its commands to the root command.
"""

from __future__ import annotations

import typer

from ossature.cli import (
    analytics,
    bench,
    demo,
    keys,
    mail,
    migrate,
    new,
    operator,
    projections,
    schemas,
    up,
)

__all__ = ["GROUPS", "main", "root"]

GROUPS = (up, migrate, demo, bench, projections, keys, analytics, mail, operator, new, schemas)


def root() -> typer.Typer:
    """The root command with every group's commands."""
    cli = typer.Typer(
        no_args_is_help=True,
        add_completion=False,
        help="Ossature: a walking skeleton for multi-tenant SaaS.",
    )
    for group in GROUPS:
        group.register(cli)
    return cli


def main() -> None:
    root()()
