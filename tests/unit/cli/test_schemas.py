"""`ossature schemas`: check passes on the committed registry, and exits 1 saying why when
the registry is missing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ossature.cli import root

ROOT = Path(__file__).resolve().parents[3]


def test_check_passes_on_the_committed_registry() -> None:
    """The repository's registry matches every declared event type."""
    done = CliRunner().invoke(root(), ["schemas", "check", "--root", str(ROOT)])
    assert (0, "event types match the committed schemas.") == (
        done.exit_code,
        done.output.split(" ", 1)[1].strip(),
    )


def test_check_exits_1_naming_each_type_without_a_schema_then_write_makes_it_pass(
    tmp_path: Path,
) -> None:
    """An empty project: every type is named with what to run; after `write`, check passes."""
    runner = CliRunner()
    before = runner.invoke(root(), ["schemas", "check", "--root", str(tmp_path)])
    written = runner.invoke(root(), ["schemas", "write", "--root", str(tmp_path)])
    after = runner.invoke(root(), ["schemas", "check", "--root", str(tmp_path)])
    assert (1, True, 0, 0) == (
        before.exit_code,
        "project-renamed: no committed schema schemas/events/project-renamed/v2.json"
        in before.output,
        written.exit_code,
        after.exit_code,
    )
