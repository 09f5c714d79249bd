"""`ossature serve commands --module M`: the modules are checked before anything starts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ossature.cli import root


def _serve(tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {"OSSATURE_VAR_DIR": str(tmp_path)}
    ran = CliRunner().invoke(root(), ["serve", *args], env=env)
    return ran.exit_code, " ".join(ran.output.split())


def test_a_module_without_commands_is_refused_and_the_known_ones_named(tmp_path: Path) -> None:
    code, output = _serve(tmp_path, "commands", "--module", "no-such-module")
    assert 2 == code
    assert "no-such-module" in output and "projects" in output
    assert [] == list(tmp_path.iterdir())  # no engine was started


def test_modules_are_for_the_commands_role_only(tmp_path: Path) -> None:
    code, output = _serve(tmp_path, "gateway", "--module", "projects")
    assert 2 == code
    assert "commands role" in output
