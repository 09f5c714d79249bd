"""`ossature new module NAME`: a module folder with the anatomy of `modules/projects`.

One aggregate, one command, two queries (from the stream and from the read model), one
projection, a migration with forced row-level security, messages in en, fr and ar, unit and
integration tests; registered in `runtime/application.py`, granted in `roles.json`, its
event's schema committed (`ossature schemas write`), and included in every plan of `modules/tenancy/plans.toml` (a product module is sold: a tenant
has it through its plan, decision 70; take it out of the plans that should not sell it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ossature.tools.scaffold._names import ModuleNames
from ossature.tools.scaffold._render import (
    ScaffoldRefused,
    fill,
    format_python,
    template,
    write_new,
    write_schemas,
)

__all__ = ["new_module"]

_MODULE_FILES = (
    "__init__.py",
    "README.md",
    "state.py",
    "repository.py",
    "errors.py",
    "queries.py",
    "projections.py",
    "messages.toml",
    "commands/__init__.py",
    "commands/create___entity__.py",
    "migrations/0001___module__.sql",
)


def new_module(root: Path, module: str, entity: str | None = None) -> list[Path]:
    """Write the module `module` under the project at `root`; the paths written."""
    names = ModuleNames.of(module, entity)
    tokens = names.tokens()
    package = root / "src" / "ossature" / "modules" / names.package
    if package.exists():
        raise ScaffoldRefused(f"{package} exists: choose another name")
    files = {
        package / fill(name, tokens): fill(template(f"module/{name}.tmpl"), tokens)
        for name in _MODULE_FILES
    }
    unit = root / "tests" / "unit" / names.package
    files[unit / "__init__.py"] = ""
    files[unit / f"test_create_{names.entity_snake}.py"] = fill(
        template("tests/unit_test_create.py.tmpl"), tokens
    )
    files[root / "tests" / "integration" / f"test_{names.package}.py"] = fill(
        template("tests/integration_test_module.py.tmpl"), tokens
    )
    written = write_new(files)
    written += [
        _register(root, names.package),
        _grant(root, tokens["__modkebab__"]),
        _sell(root, names.package),
    ]
    format_python(root, written)
    return written + write_schemas(root)


def _register(root: Path, package: str) -> Path:
    """Add the module to the application's table of contents: its import and its MODULE."""
    path = root / "src" / "ossature" / "runtime" / "application.py"
    text = path.read_text("utf-8")
    imports, modules = "from ossature.modules import (\n", "MODULES: tuple[Module, ...] = (\n"
    if imports not in text or modules not in text:
        raise ScaffoldRefused(f"{path}: the module list is not where it is expected")
    text = text.replace(imports, f"{imports}    {package},\n", 1)
    end = text.index(")\n", text.index(modules))
    text = f"{text[:end]}    {package}.MODULE,\n{text[end:]}"
    path.write_text(text, "utf-8")
    return path


def _grant(root: Path, module: str) -> Path:
    """Policies for the module's actions in `roles.json`, held by tenant-admin."""
    path = root / "src" / "ossature" / "modules" / "access" / "roles.json"
    data = json.loads(path.read_text("utf-8"))
    data["policies"][f"{module}-read"] = {"actions": [f"{module}.read"]}
    data["policies"][f"{module}-write"] = {"actions": [f"{module}.create"]}
    data["roles"]["tenant-admin"]["policies"] += [f"{module}-read", f"{module}-write"]
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    return path


def _sell(root: Path, package: str) -> Path:
    """Include the module in every plan of the catalog (its `modules = [...]` lines)."""
    path = root / "src" / "ossature" / "modules" / "tenancy" / "plans.toml"
    text, count = re.subn(
        r"(?m)^modules = \[", f'modules = ["{package}", ', path.read_text("utf-8")
    )
    if count == 0:
        raise ScaffoldRefused(f"{path}: no plan lists its modules where it is expected")
    path.write_text(text, "utf-8")
    return path
