"""Live SQL definitions: each function or view in one file of a `migrations/live/` folder,
named after it; forward migrations define none, so no body is restated by a later file."""

from __future__ import annotations

import re
from pathlib import Path

from ossature.runtime.application import Application
from ossature.runtime.migrate import live_files

_DEFINES = re.compile(r"create\s+(?:or\s+replace\s+)?(?:function|view)\s+(\w+)", re.IGNORECASE)


def test_each_live_file_defines_the_one_function_or_view_it_is_named_after() -> None:
    files = live_files(Application.of().migration_folders())
    expected = [(name, [Path(name).stem]) for name, _ in files]

    actual = [(name, _DEFINES.findall(sql)) for name, sql in files]

    assert expected == actual


def test_no_two_live_files_define_the_same_name() -> None:
    names = [Path(name).stem for name, _ in live_files(Application.of().migration_folders())]

    assert sorted(set(names)) == sorted(names)


def test_no_forward_migration_defines_a_function_or_view() -> None:
    """Tables, types and data go forward; a function or view only in its live file."""
    forward = {
        f"{module}/{file.name}": _DEFINES.findall(file.read_text())
        for module, folder in Application.of().migration_folders()
        for file in folder.glob("*.sql")
    }

    assert {} == {name: defined for name, defined in forward.items() if defined}


def test_live_files_are_applied_in_the_folders_order_then_by_name(tmp_path: Path) -> None:
    """A live file may use what an earlier one defines: the order is the folders', then the
    files' names."""
    for folder, names in (("b", ["z.sql", "a.sql"]), ("a", ["m.sql"])):
        (tmp_path / folder / "live").mkdir(parents=True)
        for name in names:
            (tmp_path / folder / "live" / name).write_text(f"-- {folder}/{name}")
    folders = [("second", tmp_path / "b"), ("first", tmp_path / "a")]

    actual = [name for name, _ in live_files(folders)]

    assert ["second/live/a.sql", "second/live/z.sql", "first/live/m.sql"] == actual
