"""`python -m tests.external COMMAND...`: COMMAND on engines Ossature did not start.

Starts a PostgreSQL cluster and a nats-server as docs/external-engines.md says, runs COMMAND
with their OSSATURE_* variables and OSSATURE_TEST_ENGINES=external in its environment (the
suites then take production's path: tests/engines.py, tests/blackbox/conftest.py), stops
them, and exits with COMMAND's status. Each run gets fresh engines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.external.engines import external_engines
from tests.external.environment import SWITCH


def main(command: list[str]) -> int:
    """Run `command` on fresh external engines; its exit status."""
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    with (
        tempfile.TemporaryDirectory(prefix="ossature-external-") as directory,
        external_engines(Path(directory)) as variables,
    ):
        environment = {**os.environ, **variables, SWITCH: "external"}
        # The command line this harness was given, run as given: no shell.
        return subprocess.run(command, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
