"""`ossature up` and `ossature serve`: run Ossature's roles until a signal stops them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Annotated, Any

import typer
from rich.console import Console

from ossature.engines import exit_on_termination
from ossature.gateway.app import gateway_of
from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime import serving
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.seed import demo_accounts, seed_demo
from ossature.runtime.system import ROLES, Role, System

__all__ = ["register", "serve", "up"]

console = Console()


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
        await serving.serve_http(gateway_of(system), settings.host, settings.port)
    finally:
        await system.stop()


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
            await serving.serve_http(gateway_of(system), settings.host, settings.port)
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


def register(cli: typer.Typer) -> None:
    cli.command()(up)
    cli.command()(serve)
