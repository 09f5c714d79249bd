"""The module table is typed: each miswired spec below must be a mypy error.

Checked by `mypy` (in `.ci/run`) with unused `type: ignore` comments reported for this
package: if a handler or a folder rule wired to another payload stopped being an error,
its ignore would be unused and the build would fail.
"""

from ossature.kernel.module import AtFolder, CommandSpec
from ossature.modules.projects.commands import create_project, rename_project

RIGHT = CommandSpec(
    "create-project",
    create_project.CreateProject,
    create_project.create_project,
    AtFolder("projects.create", create_project.folder_of_new),
)
HANDLER_OF_ANOTHER_PAYLOAD = CommandSpec(
    "create-project",
    create_project.CreateProject,
    rename_project.rename_project,  # type: ignore[arg-type]
    AtFolder("projects.create", create_project.folder_of_new),
)
RULE_OF_ANOTHER_PAYLOAD = CommandSpec(  # type: ignore[misc]
    "rename-project",
    rename_project.RenameProject,
    rename_project.rename_project,
    AtFolder("projects.rename", create_project.folder_of_new),
)


def test_a_rightly_wired_spec_keeps_its_payload_type() -> None:
    """At run time too, the spec converts to the payload it names."""
    payload = RIGHT.typed({"folderId": "f1", "name": "Apollo"})
    assert create_project.CreateProject(folder_id="f1", name="Apollo") == payload
