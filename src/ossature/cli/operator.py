"""`ossature operator`: make a platform operator's account (decision 72).

Attaches to the engines of a running `ossature up` (or starts embedded ones when none runs,
or uses external ones) and invokes through the pipeline, so the account is made, audited
and logged as any other. The password is drawn here, printed once, and kept nowhere but as
its Argon2id hash.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated

import typer
from rich.console import Console

from ossature.kernel.config import Settings
from ossature.kernel.errors import DomainError
from ossature.kernel.i18n import FALLBACK_LOCALE
from ossature.kernel.logging import configure_logging
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.operators import create_operator
from ossature.runtime.system import System

__all__ = ["operator_cli", "register"]

operator_cli = typer.Typer(no_args_is_help=True, help="Platform operators' accounts.")
console = Console()
PASSWORD_BYTES = 24  # 32 URL-safe characters, 192 random bits


async def _create(settings: Settings, endpoints: Endpoints, email: str, name: str) -> str:
    """The new operator's password; typer.Exit(1) with the message of a refusal."""
    system = System(settings, endpoints)
    await system.start(roles=())
    try:
        assert system.pipeline is not None
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        try:
            await create_operator(system.pipeline, email, name, password)
        except DomainError as error:
            message = system.app.catalogs().render(FALLBACK_LOCALE, error.key, error.params)
            console.print(f"[red]{error.key}[/]: {message}")
            raise typer.Exit(1) from None
        return password
    finally:
        if system.audit is not None:
            await system.audit.flush()
        await system.stop()


@operator_cli.command("create")
def create(
    email: Annotated[str, typer.Argument(help="The operator's email: their log-in")],
    name: Annotated[str, typer.Option(help="The name shown for the operator")] = "Operator",
) -> None:
    """Make an operator account in the platform tenant, with only the platform-operator role;
    print its password, once."""
    settings = Settings.from_env()
    configure_logging(settings.log_format, "warning")
    with engines(settings, attach=True) as endpoints:
        password = asyncio.run(_create(settings, endpoints, email, name))
    console.print(f"Operator {email} created. Password (shown once, keep it now):")
    print(password)  # plain, so that a script may read it; never logged


def register(cli: typer.Typer) -> None:
    cli.add_typer(operator_cli, name="operator")
