"""`ossature bench`: requests/s, latency and CPU per request of a running system."""

from __future__ import annotations

import typer

from ossature.tools.bench import bench

__all__ = ["register"]


def register(cli: typer.Typer) -> None:
    cli.command()(bench)
