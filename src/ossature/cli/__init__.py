"""The `ossature` command: run the system, walk the demo, rebuild projections, rotate keys."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ossature.cli.analytics import analytics_cli
from ossature.engines import (
    EmbeddedEngines,
    EngineEndpoints,
    exit_on_termination,
    running_engines,
)
from ossature.engines.nats_auth import NatsCredentials
from ossature.kernel.config import Settings
from ossature.kernel.consumers import rebuild
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.logging import configure_logging
from ossature.runtime import serving
from ossature.runtime.secrets import rotate_keys
from ossature.runtime.seed import demo_accounts, seed_demo
from ossature.runtime.system import ROLES, Endpoints, Role, System
from ossature.tools.bench import bench

__all__ = ["main"]

cli = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Ossature: a walking skeleton for multi-tenant SaaS.",
)
projections_cli = typer.Typer(
    no_args_is_help=True, help="Read models: rebuild by replaying the event store."
)
keys_cli = typer.Typer(no_args_is_help=True, help="Token signing keys.")
cli.add_typer(projections_cli, name="projections")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(analytics_cli, name="analytics")
cli.command()(bench)
console = Console()


@contextlib.contextmanager
def engines(settings: Settings, attach: bool = False) -> Iterator[Endpoints]:
    """External engines when their URLs are set, else embedded ones under the var directory.

    With `attach`, the engines of an `ossature up` already running on the var directory are
    used as they are (and left running); only when none runs are embedded ones started.
    """
    if settings.database_url and settings.nats_url:
        yield _external(settings)
        return
    running = running_engines(settings.var_dir) if attach else None
    if running is not None:
        yield _endpoints_of(running)
        return
    with EmbeddedEngines(settings.var_dir) as found:
        yield _endpoints_of(found)


def _endpoints_of(found: EngineEndpoints) -> Endpoints:
    credentials = found.nats_credentials
    return Endpoints(
        found.database_url,
        found.nats_url,
        mqtt_url=found.mqtt_url,
        websocket_url=found.websocket_url,
        nats=NatsCredentials.embedded(Path(credentials)) if credentials else None,
    )


def _external(settings: Settings) -> Endpoints:
    assert settings.database_url and settings.nats_url
    return Endpoints(
        settings.database_url,
        settings.nats_url,
        create_database=None,
        mqtt_url=settings.mqtt_url,
        websocket_url=settings.mqtt_websocket_url,
        nats=NatsCredentials.from_settings(settings),
    )


def _banner(system: System, url: str, seeded: bool) -> None:
    assert system.secrets is not None
    console.print(f"[bold green]Ossature is up[/] at [bold]{url}[/]  (Ctrl-C stops it)")
    if system.endpoints.mqtt_url:
        console.print(
            f"  MQTT: {system.endpoints.mqtt_url}   MQTT over WebSocket: {system.endpoints.websocket_url}"
        )
    console.print(
        f"  demo data: {'seeded now' if seeded else 'kept from the last run'}; tenants acme and globex"
    )
    console.print(f"  accounts: {', '.join(demo_accounts())}")
    console.print(f"  password: [bold]{system.secrets.demo_password}[/]")


async def _up(settings: Settings, endpoints: Endpoints) -> None:
    system = System(settings, endpoints)
    await system.start()
    try:
        assert system.pipeline and system.secrets
        seeded = await seed_demo(system.pipeline, system.secrets.demo_password)
        _banner(system, f"http://{settings.host}:{settings.port}", seeded)
        await system.serve(settings.host, settings.port)
    finally:
        await system.stop()


@cli.command()
def up(
    port: int = typer.Option(None, help="HTTP port (default 8000, or OSSATURE_PORT)"),
    host: str = typer.Option(None),
) -> None:
    """Start everything (embedded engines unless OSSATURE_DATABASE_URL/OSSATURE_NATS_URL are set)."""
    _run_until_stopped(port, host, _up, attach=False)


def _run_until_stopped(
    port: int | None,
    host: str | None,
    main: Callable[[Settings, Endpoints], Coroutine[Any, Any, None]],
    attach: bool,
) -> None:
    """Run `main` on the engines until Ctrl-C or SIGTERM, which stop it cleanly with 0."""
    settings = Settings.from_env()
    settings = replace(settings, port=port or settings.port, host=host or settings.host)
    configure_logging(settings.log_format, settings.log_level)
    exit_on_termination()  # with external engines too
    with (
        contextlib.suppress(KeyboardInterrupt, SystemExit),
        engines(settings, attach=attach) as endpoints,
    ):
        serving.run(main(settings, endpoints))
    console.print("Ossature stopped.")


async def _serve(settings: Settings, endpoints: Endpoints, *, roles: tuple[Role, ...]) -> None:
    system = System(settings, endpoints)
    await system.start(roles)
    try:
        where = f" at http://{settings.host}:{settings.port}" if "gateway" in roles else ""
        console.print(f"[bold green]Ossature {', '.join(roles)}[/] running{where}")
        if "gateway" in roles:
            await system.serve(settings.host, settings.port)
        else:
            serving.quiet_collector()  # as serve_http does
            await _until_signalled()
    finally:
        await system.stop()


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


@cli.command()
def serve(
    roles: Annotated[list[str], typer.Argument(help="gateway, worker and/or scheduler")],
    port: int = typer.Option(
        None, help="HTTP port of the gateway (default 8000, or OSSATURE_PORT)"
    ),
    host: str = typer.Option(None),
) -> None:
    """Run some of Ossature's roles in this process, so that each can scale out on its own.

    Meant for external engines (OSSATURE_DATABASE_URL and OSSATURE_NATS_URL); without them it
    uses the engines of an `ossature up` running on the var directory, or starts them.
    """
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise typer.BadParameter(f"unknown roles {unknown}; known: {list(ROLES)}")
    chosen = tuple(role for role in ROLES if role in roles)
    _run_until_stopped(port, host, functools.partial(_serve, roles=chosen), attach=True)


@cli.command()
def demo(url: str = typer.Option("http://127.0.0.1:8000", help="A running `ossature up`")) -> None:
    """Walk the main flows through the Python SDK, printing each step; non-zero on any failure."""
    from ossature.tools.demo import run_demo

    settings = Settings.from_env()
    password = (
        settings.demo_password
        or (settings.var_dir / "secrets" / "demo-password").read_text().strip()
    )
    ok = asyncio.run(run_demo(url, password, console))
    raise typer.Exit(0 if ok else 1)


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
            return await rebuild(owner, EventStore(), projection)
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
    console.print(f"Rebuilt {name}: {applied} events applied.")


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Make a new signing key active; the previous one still verifies until the next rotation."""
    settings = Settings.from_env()
    kid = rotate_keys(settings.var_dir / "secrets" / "signing-keys")
    console.print(f"New active signing key {kid}; restart the gateways to pick it up.")


def main() -> None:
    cli()
