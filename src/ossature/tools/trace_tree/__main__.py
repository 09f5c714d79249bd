"""`python -m ossature.tools.trace_tree`: one create-project's trace, printed as a tree."""

from __future__ import annotations

import tempfile

from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime import serving
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.system import System
from ossature.runtime.tracing import in_memory, stop_tracing
from ossature.tools.trace_tree import render, traced_create_project


async def _main(settings: Settings, endpoints: Endpoints) -> str:
    system = System(settings, endpoints)
    await system.start()
    provider, exporter = in_memory()
    try:
        traced = await traced_create_project(system, exporter)
    finally:
        stop_tracing(provider)
        await system.stop()
    return f"trace {traced.trace_id}\n{render(traced.spans)}"


def main() -> None:
    configure_logging("json", "warning")
    with tempfile.TemporaryDirectory(prefix="ossature-trace-") as var_dir:
        settings = Settings.from_env({"OSSATURE_VAR_DIR": var_dir})
        with engines(settings) as endpoints:
            print(serving.run(_main(settings, endpoints)))


if __name__ == "__main__":
    main()
