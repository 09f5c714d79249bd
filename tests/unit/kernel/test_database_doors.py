"""Module code reaches the database through the public doors only (`transaction`, `call`, ...):
the kernel's internal ones (underscored) are for the kernel's own commit."""

from __future__ import annotations

from pathlib import Path

import ossature.modules
from ossature.kernel.database import Database, InvocationDatabase, InvocationTransaction


def _internal_doors() -> set[str]:
    classes = (Database, InvocationDatabase, InvocationTransaction)
    return {
        name
        for cls in classes
        for name in vars(cls)
        if name.startswith("_") and not name.startswith("__")
    }


def test_no_module_uses_an_internal_door_of_the_database() -> None:
    doors = _internal_doors()
    root = Path(ossature.modules.__file__).parent

    used = {
        (str(file.relative_to(root)), door)
        for file in root.rglob("*.py")
        for door in doors
        if f".{door}" in file.read_text()
    }

    assert {"_alone", "_claim_alone", "_guard_alone", "_begun"} <= doors
    assert set() == used
