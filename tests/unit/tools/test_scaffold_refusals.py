"""A scaffold never overwrites: an existing module or command refuses, and nothing is written."""

from pathlib import Path

import pytest

from ossature.tools.scaffold import ScaffoldRefused, new_command, new_module


def test_a_module_that_exists_is_refused(tmp_path: Path) -> None:
    """`new module projects` over an existing folder writes nothing."""
    (tmp_path / "src/ossature/modules/projects").mkdir(parents=True)
    with pytest.raises(ScaffoldRefused):
        new_module(tmp_path, "projects")
    assert ["projects"] == [p.name for p in (tmp_path / "src/ossature/modules").iterdir()]


def test_a_command_the_module_has_is_refused(tmp_path: Path) -> None:
    """`new command projects archive-project` names a command of the table."""
    state = Path(__file__).parents[3] / "src/ossature/modules/projects/state.py"
    module = tmp_path / "src/ossature/modules/projects"
    module.mkdir(parents=True)
    (module / "state.py").write_text(state.read_text("utf-8"), "utf-8")
    with pytest.raises(ScaffoldRefused, match="archive-project"):
        new_command(tmp_path, "projects", "archive-project")
    assert ["state.py"] == [p.name for p in module.iterdir()]
