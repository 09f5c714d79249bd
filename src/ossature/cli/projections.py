"""`ossature projections`: rebuild a read model by replaying the event store."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from ossature.kernel.config import Settings
from ossature.kernel.consumers import rebuild
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import configure_logging
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.system import System

__all__ = ["register"]

projections_cli = typer.Typer(
    no_args_is_help=True, help="Read models: rebuild by replaying the event store."
)


async def _rebuild(settings: Settings, endpoints: Endpoints, name: str) -> int:
    system = System(settings, endpoints)
    projection = system.app.projection(name)
    if projection is None:
        raise typer.BadParameter(
            f"no projection named {name}; known: {[p.name for p in system.app.projections]}"
        )
    await system.start(roles=())
    try:
        owner = await Database.connect(system.owner_url, min_size=1, max_size=1)
        try:
            return await rebuild(owner, EventStore(system.app.event_types), projection)
        finally:
            await owner.close()
    finally:
        await system.stop()


@projections_cli.command("rebuild")
def projections_rebuild(name: str) -> None:
    """Empty projection NAME's tables and replay every event into them."""
    settings = Settings.from_env()
    configure_logging(settings.log_format, "warning")
    with engines(settings, attach=True) as endpoints:
        applied = asyncio.run(_rebuild(settings, endpoints, name))
    Console().print(f"Rebuilt {name}: {applied} events applied.")


def register(cli: typer.Typer) -> None:
    cli.add_typer(projections_cli, name="projections")
