"""`ossature projections`: rebuild a read model by replaying the event store."""

from __future__ import annotations

import typer
from rich.console import Console

from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.tools.bench._rebuild import UnknownProjection, measure_rebuild

__all__ = ["register"]

projections_cli = typer.Typer(
    no_args_is_help=True, help="Read models: rebuild by replaying the event store."
)


@projections_cli.command("rebuild")
def projections_rebuild(name: str) -> None:
    """Empty projection NAME's tables and replay every event into them."""
    settings = Settings.from_env()
    configure_logging(settings.log_format, "warning")
    try:
        rebuilt = measure_rebuild(settings, name)
    except UnknownProjection as error:
        raise typer.BadParameter(str(error)) from error
    except TimeoutError as error:  # a transaction older than the rebuild stayed open
        Console(stderr=True).print(f"Not rebuilt: {error}.")
        raise typer.Exit(1) from error
    Console().print(
        f"Rebuilt {name}: {rebuilt.events} events in {rebuilt.seconds:.2f} s"
        f" ({rebuilt.events_per_second:,.0f} events/s)."
    )


def register(cli: typer.Typer) -> None:
    cli.add_typer(projections_cli, name="projections")
