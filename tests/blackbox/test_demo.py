"""`ossature demo` passes every step against a running `up`, over HTTP and in process."""

from __future__ import annotations

import pytest

from ossature.tools.demo import STEPS
from tests.blackbox._api import System, run_cli


@pytest.mark.parametrize("backend", ["http", "in-process"])
def test_the_demo_behaves_as_stated_through_either_backend(
    system: System, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over HTTP it walks the running server, found from the var directory (not on port
    8000); in process it starts a system of its own on the same engines and walks through
    that system's gateway, with no socket."""
    monkeypatch.setenv("OSSATURE_DEMO_PASSWORD", system.password)
    how = [] if backend == "http" else ["--in-process"]

    ran = run_cli(system, "demo", *how)

    assert 0 == ran.returncode, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert f"{len(STEPS)}/{len(STEPS)} steps behaved as stated" in ran.stdout
