"""The operator's first minutes: a refused `up` says why in one line and exits non-zero."""

from __future__ import annotations

import socket
import subprocess
import sys

from tests.blackbox._api import System
from tests.blackbox._up import environment


def _up(system: System, port: int) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ossature", "up", "--port", str(port)]
    env = environment(system.var_dir)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_up_on_a_taken_port_exits_non_zero_with_one_line_before_saying_it_is_up(
    system: System,
) -> None:
    """Another program listens on the port: one line on stderr, exit code 1, nothing started."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        # when
        done = _up(system, taken.getsockname()[1])
    # then
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert (1, 1) == (done.returncode, len(said)), said
    assert "cannot listen" in said[0] and "Ossature is up" not in done.stdout
