"""Scaffolding, as a developer uses it: a new module and a new command in a copy of the
project pass ruff, mypy and their own tests, unit and integration, on the real engines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_NOT_COPIED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "var",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "*.egg-info",
)


def _run(project: Path, *command: str) -> str:
    """Run a command in the copy, its `ossature` package first on the path; its output."""
    # The copy's suite starts engines of its own, whichever engines this suite was given.
    env = {k: v for k, v in os.environ.items() if k != "OSSATURE_TEST_ENGINES"}
    env |= {"PYTHONPATH": str(project / "src"), "PYTEST_DEBUG_TEMPROOT": str(project)}
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert 0 == done.returncode, f"{command}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_a_generated_module_and_command_pass_the_checks_and_their_tests(tmp_path: Path) -> None:
    """`ossature new module contracts`, then `ossature new command contracts approve-contract`
    and `ossature new command projects restore-project`: lint, types and tests all pass, the
    event schema check included."""
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=_NOT_COPIED)
    tools = Path(sys.executable).parent
    python = str(tools / "python")
    _run(project, python, "-m", "ossature", "new", "module", "contracts")
    _run(project, python, "-m", "ossature", "new", "command", "contracts", "approve-contract")
    _run(project, python, "-m", "ossature", "new", "command", "projects", "restore-project")
    _run(project, str(tools / "ruff"), "check", ".")
    _run(project, str(tools / "ruff"), "format", "--check", ".")
    _run(project, str(tools / "mypy"))
    tests = [
        "tests/unit/contracts",
        "tests/unit/projects/test_restore_project.py",
        "tests/integration/test_contracts.py",
        "tests/integration/test_row_level_security.py",
        "tests/unit/access",
        "tests/unit/kernel/test_table.py",
        "tests/unit/test_layout.py",
        "tests/unit/gateway/test_openapi.py",
        "tests/unit/tools/test_schemas.py",  # the new events' schemas were written
    ]
    out = _run(project, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests)
    registered = (project / "src/ossature/runtime/application.py").read_text("utf-8")
    assert ("contracts.MODULE," in registered, " passed" in out) == (True, True)
