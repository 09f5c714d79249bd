"""Every command's --help reads cleanly."""

from __future__ import annotations

from typing import Any

import typer
from typer.main import get_command
from typer.testing import CliRunner

from ossature.cli import root


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        found += _paths(sub, (*prefix, name))
    return found


def test_no_help_shows_a_type_beside_a_flag() -> None:
    """A flag takes no value: no help text shows `<bool>` beside it, --help included."""
    cli: typer.Typer = root()
    paths = _paths(get_command(cli))
    helps = {path: CliRunner().invoke(cli, [*path, "--help"]) for path in paths}
    # then
    assert len(paths) > 10
    assert {} == {p: h.output for p, h in helps.items() if h.exit_code or "<bool>" in h.output}
