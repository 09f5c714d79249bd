"""`ossature bench`: the options, the progress display, the table or the JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime.address import system_url
from ossature.tools.bench._bench import SCENARIOS, Options, run_bench
from ossature.tools.bench._prepare import PrepareError
from ossature.tools.bench._report import as_json, print_table, warnings
from ossature.tools.bench._run import BenchError, Load, Tick

__all__ = ["bench"]


def bench(
    url: str = typer.Option(
        None, help="The system to drive (default: the `ossature up` running on the var directory)"
    ),
    concurrency: int = typer.Option(32, min=1, help="Clients, each sending back to back"),
    duration: float = typer.Option(10.0, min=0.1, help="Measured seconds per scenario"),
    warmup: float = typer.Option(2.0, min=0.0, help="Unmeasured seconds before each window"),
    rounds: int = typer.Option(
        3, min=1, help="Windows per scenario, the scenarios alternating, the duration split"
    ),
    generators: int = typer.Option(1, min=1, help="Load-generator processes"),
    json_output: bool = typer.Option(False, "--json", help="One JSON object on stdout"),
    password: str = typer.Option(None, help="Default: OSSATURE_DEMO_PASSWORD or the var dir's"),
    database_url: str = typer.Option(None, help="For the baseline, when the system is remote"),
    tenant: str = typer.Option("acme", help="The tenant to log in to"),
    email: str = typer.Option("admin@acme.test", help="An account that may create projects"),
) -> None:
    """Measure create-project, list-projects, push under load and the fixed baseline."""
    load = Load(concurrency, duration, warmup, generators, rounds=rounds)
    settings = Settings.from_env()
    # the system the rebuild starts logs too: to stderr, so that stdout is the table or the JSON
    configure_logging(settings.log_format, "warning", stream=sys.stderr)
    options = Options(url or system_url(settings), load, tenant, email, password, database_url)
    stderr = Console(stderr=True)
    try:
        with _progress(stderr, warmup * rounds + duration) as tick_for:
            run = run_bench(options, settings, tick_for)
    except (PrepareError, BenchError, OSError) as error:
        stderr.print(f"[bold red]bench failed:[/] {error}")
        raise typer.Exit(1) from error
    if json_output:
        typer.echo(json.dumps(as_json(run)))
        for warning in warnings(run):
            stderr.print(f"[bold yellow]warning:[/] {warning}")
    else:
        console = Console()
        print_table(run, console if console.is_terminal else Console(width=120))


@contextmanager
def _progress(console: Console, total: float) -> Iterator[Callable[[str], Tick]]:
    columns = (TextColumn("{task.description:<32}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks = {name: progress.add_task(f"{name}: waiting", total=total) for name in SCENARIOS}

        def tick_for(name: str) -> Tick:
            def tick(elapsed: float, phase: str) -> None:
                progress.update(tasks[name], completed=elapsed, description=f"{name}: {phase}")

            return tick

        yield tick_for
        for task in progress.tasks:
            progress.update(task.id, completed=total, description=task.description.split(":")[0])
