"""`ossature demo` walks its flows through either backend, and every step behaves as stated."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from ossature.runtime.seed import seed_demo
from ossature.runtime.system import System
from ossature.sdk import Backend
from ossature.tools.demo import STEPS, run_demo


async def test_every_step_of_the_demo_behaves_as_stated(system: System, backend: Backend) -> None:
    """The demo's walk over the seeded tenants passes each of its steps."""
    assert system.pipeline is not None and system.secrets is not None
    password = system.secrets.demo_password
    await seed_demo(system.pipeline, password)  # seeds only the tenants still absent
    output = StringIO()

    console = Console(file=output, width=240)
    ok = await run_demo(backend, password, console, system.endpoints.maildir)

    shown = output.getvalue()
    assert ok, shown
    assert f"{len(STEPS)}/{len(STEPS)} steps behaved as stated" in shown
    assert len(STEPS) == shown.count("✓")
