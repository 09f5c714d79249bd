"""`ossature keys rotate-master` with no master key to rotate says so and changes nothing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ossature.cli import root


def test_rotating_a_master_key_that_is_not_there_is_refused(tmp_path: Path) -> None:
    env = {"OSSATURE_VAR_DIR": str(tmp_path), "OSSATURE_DATABASE_URL": "postgresql://nowhere/"}

    ran = CliRunner().invoke(root(), ["keys", "rotate-master"], env=env)

    assert 1 == ran.exit_code
    assert "No master key" in ran.output
    assert [] == list(tmp_path.rglob("master-key*"))
