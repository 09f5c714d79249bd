"""`ossature demo`: walk the main flows of a system through the SDK, over HTTP or in process."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from ossature.cli._site import site_of
from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime import serving
from ossature.runtime.address import system_url
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.seed import seed_demo
from ossature.runtime.system import System
from ossature.sdk import InProcess
from ossature.tools.demo import run_demo

__all__ = ["demo", "register"]


def demo(
    url: str = typer.Option(
        None, help="A running system (default: the `ossature up` running on the var directory)"
    ),
    in_process: bool = typer.Option(
        False,
        "--in-process",
        help="Start the system in this process (on the engines of a running `up`, or its own)"
        " and walk through the SDK's in-process backend instead of HTTP",
    ),
) -> None:
    """Walk the main flows through the Python SDK, printing each step; non-zero on any failure."""
    settings = Settings.from_env()
    if in_process:
        configure_logging(settings.log_format, "warning")  # the walk's table, not the logs
        with engines(settings, attach=True) as endpoints:
            ok = serving.run(_in_process(settings, endpoints, Console()))
    else:
        password = (
            settings.demo_password or (settings.secrets_dir / "demo-password").read_text().strip()
        )
        maildir = settings.var_dir / "mail"  # the running `up`'s embedded SMTP server keeps it
        ok = asyncio.run(run_demo(url or system_url(settings), password, Console(), maildir))
    raise typer.Exit(0 if ok else 1)


async def _in_process(settings: Settings, endpoints: Endpoints, console: Console) -> bool:
    """Start the system, seed the demo tenants if absent, and walk through its gateway."""
    system = System(settings, endpoints)
    await system.start()
    try:
        assert system.pipeline and system.secrets
        password = system.secrets.demo_password
        await seed_demo(system.pipeline, password)
        backend = InProcess(site_of(system))
        return await run_demo(backend, password, console, endpoints.maildir)
    finally:
        await system.stop()


def register(cli: typer.Typer) -> None:
    cli.command()(demo)
