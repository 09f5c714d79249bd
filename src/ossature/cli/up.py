"""`ossature up` and `ossature serve`: run Ossature's roles until a signal stops them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import socket
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Annotated, Any, NoReturn
from urllib.parse import urlsplit

import typer
from rich.console import Console

from ossature.cli._site import site_of
from ossature.engines import EngineError, exit_on_termination
from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime import serving
from ossature.runtime.address import published
from ossature.runtime.application import MODULES
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.library_logs import route_library_logs
from ossature.runtime.migrate import SchemaBehind
from ossature.runtime.seed import demo_accounts, seed_demo
from ossature.runtime.system import ROLES, Role, System
from ossature.sdk import Http
from ossature.web import WebSettings, build_web

__all__ = ["register", "serve", "up"]

console = Console()
Main = Callable[[Settings, Endpoints, socket.socket | None], Coroutine[Any, Any, None]]


def _banner(system: System, url: str, seeded: bool) -> None:
    assert system.secrets is not None
    console.print(f"[bold green]Ossature is up[/] at [bold]{url}[/]  (Ctrl-C stops it)")
    console.print(
        f"  web app: {url}/ (sign in as one of the accounts below)   API: {url}/openapi.json"
    )
    if system.endpoints.mqtt_url:
        console.print(
            f"  MQTT: {system.endpoints.mqtt_url}   MQTT over WebSocket: {system.endpoints.websocket_url}"
        )
    console.print(f"  mail: {_mail_goes(system.endpoints)}", soft_wrap=True)
    console.print(
        f"  demo data: {'seeded now' if seeded else 'kept from the last run'}; tenants acme and globex"
    )
    console.print(f"  accounts: {', '.join(demo_accounts())}")
    console.print(f"  password: [bold]{system.secrets.demo_password}[/]")


def _mail_goes(endpoints: Endpoints) -> str:
    """Where mail goes, its credentials left out."""
    if endpoints.smtp_url is None:
        return "nowhere (no SMTP server)"
    parts = urlsplit(endpoints.smtp_url)
    where = f"{parts.scheme}://{parts.hostname}:{parts.port or ''}".rstrip(":")
    if endpoints.maildir is None:
        return f"{where} (OSSATURE_SMTP_URL)"
    return f"{where}, kept in {endpoints.maildir} (ossature mail list)"


async def _up(settings: Settings, endpoints: Endpoints, sock: socket.socket | None) -> None:
    system = System(settings, endpoints)
    await system.start()
    try:
        assert system.pipeline and system.secrets
        seeded = await seed_demo(system.pipeline, system.secrets.demo_password)
        url = _url(settings)
        with published(settings.var_dir, url):
            _banner(system, url, seeded)
            await serving.serve_http(site_of(system), settings.host, settings.port, sock)
    finally:
        await system.stop()


def _url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.port}"


def up(
    port: int = typer.Option(None, help="HTTP port (default 8000, or OSSATURE_PORT)"),
    host: str = typer.Option(None),
    nats_cluster: int = typer.Option(
        None,
        help="embedded NATS nodes: 3 runs a local cluster (default 1, or OSSATURE_NATS_CLUSTER)",
    ),
) -> None:
    """Start everything (embedded engines unless OSSATURE_DATABASE_URL/OSSATURE_NATS_URL are set)."""
    _run_until_stopped(port, host, _up, attach=False, serves_http=True, nats_cluster=nats_cluster)


def _run_until_stopped(
    port: int | None,
    host: str | None,
    main: Main,
    attach: bool,
    serves_http: bool,
    nats_cluster: int | None = None,
) -> None:
    """Run `main` on the engines until Ctrl-C or SIGTERM, which stop it cleanly with 0.

    The HTTP port is bound first and the var directory taken next: either refused is one
    line on stderr and exit code 1, before anything started.
    """
    settings = Settings.from_env()
    settings = replace(settings, port=port or settings.port, host=host or settings.host)
    settings = replace(settings, nats_cluster=nats_cluster or settings.nats_cluster)
    configure_logging(settings.log_format, settings.log_level)
    route_library_logs()
    exit_on_termination()  # with external engines too
    sock = _listening(settings) if serves_http else None
    try:
        with (
            contextlib.suppress(KeyboardInterrupt, SystemExit),
            engines(settings, attach=attach) as endpoints,
        ):
            serving.run(main(settings, endpoints, sock))
    except (EngineError, SchemaBehind) as error:
        _refuse(str(error))
    console.print("Ossature stopped.")


def _listening(settings: Settings) -> socket.socket:
    try:
        return serving.listening(settings.host, settings.port)
    except OSError as error:
        _refuse(f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}")


def _refuse(reason: str) -> NoReturn:
    Console(stderr=True).print(f"[bold red]Ossature cannot start:[/] {reason}", soft_wrap=True)
    raise typer.Exit(1)


async def _serve(
    settings: Settings,
    endpoints: Endpoints,
    sock: socket.socket | None,
    *,
    roles: tuple[Role, ...],
    modules: tuple[str, ...] = (),
) -> None:
    system = System(settings, endpoints, command_modules=modules)
    await system.start(roles)
    try:
        where = f" at {_url(settings)}" if "gateway" in roles else ""
        console.print(f"[bold green]Ossature {', '.join(roles)}[/] running{where}")
        if "gateway" in roles:
            await serving.serve_http(site_of(system), settings.host, settings.port, sock)
        elif settings.health_port is not None:  # the probes of a deployment (Kubernetes)
            health = serving.health_app(system.ready)
            await serving.serve_http(health, settings.host, settings.health_port)
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
    roles: Annotated[
        list[str], typer.Argument(help="gateway, worker, scheduler, commands, or web")
    ],
    port: int = typer.Option(
        None, help="HTTP port of the gateway or web app (default 8000, or OSSATURE_PORT)"
    ),
    host: str = typer.Option(None),
    gateway: str = typer.Option(
        None,
        help="web: the gateway's URL (default OSSATURE_GATEWAY_URL)",
        envvar="OSSATURE_GATEWAY_URL",
    ),
    module: Annotated[
        list[str] | None,
        typer.Option(help="commands: a module whose commands it answers (repeatable; default all)"),
    ] = None,
) -> None:
    """Run some of Ossature's roles in this process, so that each can scale out on its own.

    Meant for external engines (OSSATURE_DATABASE_URL and OSSATURE_NATS_URL); without them it
    uses the engines of an `ossature up` running on the var directory, or starts them. The
    gateway serves the web app too; `serve web --gateway URL` runs the web app alone, a
    client of the gateway at URL (which must trust its address: OSSATURE_TRUSTED_PROXIES).
    `serve commands --module M` answers the commands of M that gateways send over NATS
    (those started with OSSATURE_REMOTE_MODULES=M).
    """
    if roles == ["web"]:
        _serve_web(port, host, gateway)
        return
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise typer.BadParameter(f"unknown roles {unknown}; known: {list(ROLES)}")
    chosen = tuple(role for role in ROLES if role in roles)
    modules = _command_modules(module or [], chosen)
    main = functools.partial(_serve, roles=chosen, modules=modules)
    _run_until_stopped(port, host, main, attach=True, serves_http="gateway" in chosen)


def _command_modules(given: list[str], roles: tuple[Role, ...]) -> tuple[str, ...]:
    """The --module names, known modules with commands, given to the commands role only."""
    if given and "commands" not in roles:
        raise typer.BadParameter("--module is for the commands role")
    having = sorted(m.name for m in MODULES if m.commands)
    unknown = sorted(set(given) - set(having))
    if unknown:
        raise typer.BadParameter(f"no commands in modules {unknown}; known: {having}")
    return tuple(given)


def _serve_web(port: int | None, host: str | None, gateway: str | None) -> None:
    """The web app alone, calling the gateway at `gateway` over HTTP."""
    if not gateway:
        _refuse("serve web needs the gateway's URL: --gateway URL or OSSATURE_GATEWAY_URL")
    settings = Settings.from_env()
    settings = replace(settings, port=port or settings.port, host=host or settings.host)
    configure_logging(settings.log_format, settings.log_level)
    exit_on_termination()
    sock = _listening(settings)
    web = build_web(lambda request: Http(gateway), WebSettings.load(settings.secrets_dir))
    console.print(f"[bold green]Ossature web[/] running at {_url(settings)}, calling {gateway}")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        serving.run(serving.serve_http(web, settings.host, settings.port, sock))
    console.print("Ossature stopped.")


def register(cli: typer.Typer) -> None:
    cli.command()(up)
    cli.command()(serve)
