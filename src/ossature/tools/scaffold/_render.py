"""Templates to files: placeholders replaced, nothing overwritten, the result formatted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

__all__ = [
    "ScaffoldRefused",
    "fill",
    "format_python",
    "template",
    "write_new",
    "write_schemas",
]


class ScaffoldRefused(Exception):
    """The scaffold cannot be written as asked (a file exists, an anchor is missing)."""


def template(name: str) -> str:
    """The text of a template shipped in this package (`module/state.py.tmpl`)."""
    return resources.files(__package__).joinpath("templates", name).read_text("utf-8")


def fill(text: str, tokens: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced, the longest first."""
    for token in sorted(tokens, key=len, reverse=True):
        text = text.replace(token, tokens[token])
    return text


def write_new(files: Mapping[Path, str]) -> list[Path]:
    """Write every file, or none when one of them exists already."""
    existing = [path for path in files if path.exists()]
    if existing:
        raise ScaffoldRefused(f"{existing[0]} exists: nothing was written")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return list(files)


def write_schemas(root: Path) -> list[Path]:
    """Commit the new event types' schemas (`ossature schemas write`, decision 97), run in a
    process of its own so that it imports the table just written; the files it wrote."""
    before = set((root / "schemas").rglob("*.json"))
    paths = [str(root / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = os.environ | {"PYTHONPATH": os.pathsep.join(paths)}
    command = [sys.executable, "-m", "ossature", "schemas", "write", "--root", str(root)]
    # Our own interpreter and arguments, as a list: no shell.
    subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)  # noqa: S603
    return sorted(set((root / "schemas").rglob("*.json")) - before)


def format_python(root: Path, paths: Iterable[Path]) -> None:
    """Sort imports and format the Python files with the project's ruff, when installed."""
    python = [str(p) for p in paths if p.suffix == ".py"]
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not python or not Path(ruff).exists():
        return
    fixes = ["check", "--fix", "--select", "I,RUF022", "-q"]
    # The project's ruff on the files just written, as argument lists: no shell.
    subprocess.run([ruff, *fixes, *python], cwd=root, check=False)  # noqa: S603
    subprocess.run([ruff, "format", "-q", *python], cwd=root, check=False)  # noqa: S603
