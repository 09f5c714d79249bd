"""`ossature analytics`: run a login extract once, draw the logins-per-day chart to a file.

Both attach to the engines of a running `ossature up` (or start embedded ones
when none runs, or use external ones) and invoke through the pipeline as a
service actor of the tenant, so each run is authorized, audited and logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from ossature.kernel.config import Settings
from ossature.kernel.errors import DomainError
from ossature.kernel.i18n import FALLBACK_LOCALE
from ossature.kernel.logging import configure_logging
from ossature.modules.analytics.chart import (
    chart_title,
    default_period,
    layout,
    login_series,
    render_png,
    render_svg,
)
from ossature.runtime.contexts import internal_context
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.scheduler import analytics_actor
from ossature.runtime.system import System

__all__ = ["analytics_cli", "register"]

analytics_cli = typer.Typer(
    no_args_is_help=True, help="Login sources: run an extract, draw logins per day."
)
console = Console()
T = TypeVar("T")
_RENDERERS = {".png": render_png, ".svg": lambda chart: render_svg(chart).encode()}


async def _on_system(
    settings: Settings, endpoints: Endpoints, work: Callable[[System], Awaitable[T]]
) -> T:
    system = System(settings, endpoints)
    await system.start(roles=())
    try:
        return await work(system)
    finally:
        if system.audit is not None:
            await system.audit.flush()
        await system.stop()


def _run(work: Callable[[System], Awaitable[T]]) -> T:
    settings = Settings.from_env()
    configure_logging(settings.log_format, "warning")
    with engines(settings, attach=True) as endpoints:
        return asyncio.run(_on_system(settings, endpoints, work))


async def _tenant(system: System, tenant: str) -> tuple[str, str]:
    """A tenant's id and root folder, from its slug or its id."""
    assert system.db is not None
    async with system.db.transaction(None, readonly=True) as conn:
        row = await conn.fetchrow(
            "select tenant_id, root_folder_id from tenants where slug = $1 or tenant_id = $1",
            tenant,
        )
    if row is None:
        raise typer.BadParameter(f"no tenant {tenant!r}", param_hint="--tenant")
    return row["tenant_id"], row["root_folder_id"]


async def _invoke(system: System, tenant: str, kind: Any, name: str, payload: Any) -> Any:
    assert system.pipeline is not None
    tenant_id, root = await _tenant(system, tenant)
    ctx = internal_context(analytics_actor(tenant_id, root, "analytics-cli"))
    result = await system.pipeline.invoke(kind, name, payload, ctx)
    if result.error is not None:
        raise result.error
    return result.body


def _fail(system_catalogs: Any, error: DomainError) -> typer.Exit:
    message = system_catalogs.render(FALLBACK_LOCALE, error.key, error.params)
    console.print(f"[red]{error.key}[/]: {message}")
    return typer.Exit(1)


@analytics_cli.command("extract")
def extract(
    source: Annotated[str, typer.Argument(help="The source's name")],
    tenant: Annotated[str, typer.Option(help="The tenant's slug or id")],
) -> None:
    """Run the extract of login source SOURCE once; print how many new logins it appended."""

    async def work(system: System) -> Mapping[str, Any]:
        try:
            payload = {"source": source}
            return await _invoke(system, tenant, "command", "run-login-extract", payload)  # type: ignore[no-any-return]
        except DomainError as error:
            raise _fail(system.app.catalogs(), error) from None

    body = _run(work)
    console.print(f"{source}: {body['appended']} new logins appended.")


def _period(start: str | None, end: str | None) -> tuple[date, date]:
    first, last = default_period(datetime.now(UTC).date())
    return date.fromisoformat(start or first.isoformat()), date.fromisoformat(
        end or last.isoformat()
    )


@analytics_cli.command("chart")
def chart(
    out: Annotated[Path, typer.Option(help="Where to write the chart: a .png or .svg file")],
    tenant: Annotated[str, typer.Option(help="The tenant's slug or id")],
    start: Annotated[
        str | None, typer.Option("--from", help="First day (ISO date; default 29 days ago)")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (ISO date; default today, UTC)")
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option(help="A source to draw (repeatable; default all)")
    ] = None,
) -> None:
    """Draw logins per day of the tenant's sources and Ossature's own logins to a file."""
    render = _RENDERERS.get(out.suffix.lower())
    if render is None:
        raise typer.BadParameter("the file must end in .png or .svg", param_hint="--out")
    first, last = _period(start, end)

    async def work(system: System) -> tuple[int, bytes]:
        async def ask(name: str, payload: Mapping[str, Any]) -> Mapping[str, Any]:
            return await _invoke(system, tenant, "query", name, dict(payload))  # type: ignore[no-any-return]

        try:
            series = await login_series(ask, first, last, source or None)
        except DomainError as error:
            raise _fail(system.app.catalogs(), error) from None
        title = chart_title(system.app.catalogs(), FALLBACK_LOCALE, first, last)
        return len(series), render(layout(series, title))

    drawn, picture = _run(work)
    out.write_bytes(picture)
    console.print(f"Wrote {out}: {drawn} series, {first} to {last}.")


def register(cli: typer.Typer) -> None:
    cli.add_typer(analytics_cli, name="analytics")
