"""`ossature demo`: walk the main flows of a running system through the SDK."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from ossature.kernel.config import Settings
from ossature.tools.demo import run_demo

__all__ = ["demo", "register"]


def demo(url: str = typer.Option("http://127.0.0.1:8000", help="A running `ossature up`")) -> None:
    """Walk the main flows through the Python SDK, printing each step; non-zero on any failure."""
    settings = Settings.from_env()
    password = (
        settings.demo_password
        or (settings.var_dir / "secrets" / "demo-password").read_text().strip()
    )
    ok = asyncio.run(run_demo(url, password, Console()))
    raise typer.Exit(0 if ok else 1)


def register(cli: typer.Typer) -> None:
    cli.command()(demo)
