"""`ossature new command MODULE NAME`: a command file, its table row, its test.

The module must have the anatomy `ossature new module` writes (and `modules/projects`
has): a `state.py` with one `<Entity>Event` base, a `repository.py` with
`load_<entity>`, an `EVENTS` list and a `commands=[...]` list in its table.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import msgspec

from ossature.kernel.module import Module
from ossature.tools.scaffold._names import CommandNames, ModuleNames
from ossature.tools.scaffold._render import (
    ScaffoldRefused,
    fill,
    format_python,
    template,
    write_new,
    write_schemas,
)

__all__ = ["new_command"]

_FAMILY = re.compile(r"^class (\w+)Event\(Event, frozen=True\):", re.MULTILINE)


def new_command(root: Path, module: str, command: str, event: str | None = None) -> list[Path]:
    """Write the command `command` in `module` of the project at `root`; the paths written."""
    package = root / "src" / "ossature" / "modules" / module
    entity = _entity(package)
    names = CommandNames.of(command, entity, event)
    table: Module = importlib.import_module(f"ossature.modules.{module}").MODULE
    if command in {spec.name for spec in table.commands}:
        raise ScaffoldRefused(f"{module} has a command {command!r} already")
    tokens = {**ModuleNames(module.split("_"), entity).tokens(), **names.tokens()}
    tokens.update(_creation(table, "-".join(entity)))
    snake = tokens["__cmdsnake__"]
    written = write_new(
        {
            package / "commands" / f"{snake}.py": fill(template("command/command.py.tmpl"), tokens),
            root / "tests" / "unit" / module / f"test_{snake}.py": fill(
                template("command/test_command.py.tmpl"), tokens
            ),
        }
    )
    action = f"{tokens['__modkebab__']}.{names.command[0]}"
    written += [_add_row(package, tokens, action), _grant(root, tokens["__modkebab__"], action)]
    format_python(root, written)
    return written + write_schemas(root)


def _entity(package: Path) -> list[str]:
    """The module's entity, from the one event base class of its `state.py`."""
    state = package / "state.py"
    found = _FAMILY.findall(state.read_text("utf-8")) if state.is_file() else []
    if len(found) != 1:
        raise ScaffoldRefused(f"{state}: expected one `class <Entity>Event(Event, frozen=True)`")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", found[0]).lower().split("_")


def _creation(table: Module, entity: str) -> dict[str, str]:
    """The command that makes an entity, and a payload for it, for the generated test."""
    spec = next((s for s in table.commands if s.name == f"create-{entity}"), None)
    if spec is None:
        raise ScaffoldRefused(f"the module has no create-{entity} to make one in the test")
    info = msgspec.inspect.type_info(spec.payload)
    assert isinstance(info, msgspec.inspect.StructType)
    payload = {f.encode_name: _sample(f.type) for f in info.fields if f.required}
    return {"__createkebab__": spec.name, "__createpayload__": repr(payload)}


def _sample(kind: Any) -> object:
    """A value a field of this type accepts: numbers 1, flags false, text "sample"."""
    if isinstance(kind, msgspec.inspect.IntType):
        return 1
    if isinstance(kind, msgspec.inspect.BoolType):
        return False
    return "sample"


def _add_row(package: Path, tokens: dict[str, str], action: str) -> Path:
    """The command's import, its event in EVENTS and its row in `commands=[...]`."""
    path = package / "__init__.py"
    text = path.read_text("utf-8")
    snake, module = tokens["__cmdsnake__"], tokens["__module__"]
    uses_folders = "folder_of_existing" in text
    rule = f'AtFolder("{action}", folder_of_existing)' if uses_folders else f'AnyScope("{action}")'
    row = (
        f'        CommandSpec(\n            "{tokens["__cmdkebab__"]}",\n'
        f"            {snake}.{tokens['__Command__']},\n            {snake}.{snake},\n"
        f"            {rule},\n        ),\n"
    )
    text = _insert_before_close(
        text, "EVENTS: list[", "\n]", f"    {snake}.{tokens['__EventClass__']},"
    )
    text = _insert_before_close(text, "    commands=[\n", "\n    ],", row.rstrip("\n"))
    anchor = "\n__all__"
    text = text.replace(
        anchor, f"from ossature.modules.{module}.commands import {snake}\n{anchor}", 1
    )
    path.write_text(text, "utf-8")
    return path


def _insert_before_close(text: str, opening: str, closing: str, line: str) -> str:
    start = text.find(opening)
    if start < 0:
        raise ScaffoldRefused(f"the module's table has no {opening.strip()!r}")
    end = text.index(closing, start)
    return f"{text[:end]}\n{line}{text[end:]}"


def _grant(root: Path, module: str, action: str) -> Path:
    """The command's action, added to the module's write policy (made if absent)."""
    path = root / "src" / "ossature" / "modules" / "access" / "roles.json"
    data = json.loads(path.read_text("utf-8"))
    policy = data["policies"].setdefault(f"{module}-write", {"actions": []})
    policy["actions"].append(action)
    admin = data["roles"]["tenant-admin"]["policies"]
    if f"{module}-write" not in admin:
        admin.append(f"{module}-write")
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    return path
