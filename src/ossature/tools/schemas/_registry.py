"""The committed registry of event schemas: `schemas/events/<type>/v<N>.json`, one file per
version of each event type, generated from its struct (decision 97).

`write` writes each type's current version, unless that would replace a committed schema
with an incompatible one; it never touches an older version's file. `check` lists what is
wrong: a type with no committed schema, a struct no longer compatible with its version's
committed schema, a committed schema out of date, an upcaster missing, a schema left behind
by a type no module declares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from ossature.kernel.messages import Event
from ossature.tools.schemas._compat import incompatibilities

__all__ = ["Problem", "check", "rendered", "schema_file", "write"]

_VERSION_FILE = re.compile(r"^v(\d+)\.json$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the registry, for one event type, said for a developer."""

    event_type: str
    message: str

    def __str__(self) -> str:
        return f"{self.event_type}: {self.message}"


def rendered(event_type: type[Event]) -> str:
    """The type's JSON schema as committed: pretty-printed, keys sorted, a final newline."""
    schema = msgspec.json.schema(event_type)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_file(root: Path, name: str, version: int) -> Path:
    """Where version `version` of the event type `name` is committed under `root`."""
    return root / "schemas" / "events" / name / f"v{version}.json"


def check(types: Iterable[type[Event]], root: Path) -> list[Problem]:
    """Everything wrong with the registry under `root` for `types`; empty when it is right."""
    types = sorted(types, key=lambda t: t.name)
    problems = [p for t in types for p in _problems(t, root)]
    return problems + _orphans({t.name for t in types}, root)


def write(types: Iterable[type[Event]], root: Path) -> tuple[list[Path], list[Problem]]:
    """Write each type's current version's schema where it changed compatibly (or is new);
    the files written, and the types refused (an incompatible change needs a new version)."""
    written, refused = [], []
    for event_type in sorted(types, key=lambda t: t.name):
        path = schema_file(root, event_type.name, event_type.version)
        text = rendered(event_type)
        incompatible = _incompatible(event_type, path)
        if incompatible:
            refused += incompatible
        elif not path.is_file() or path.read_text("utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            written.append(path)
    return written, refused


def _problems(event_type: type[Event], root: Path) -> list[Problem]:
    name, version = event_type.name, event_type.version
    path = schema_file(root, name, version)
    problems = [
        Problem(name, f"version {version} has no upcaster from version {older}")
        for older in range(1, version)
        if older not in event_type.upcasters
    ]
    problems += [
        Problem(
            name, f"{_relative(name, later)} is committed, but the type is at version {version}"
        )
        for later in _versions(root, name)
        if later > version
    ]
    if not path.is_file():
        return [
            *problems,
            Problem(
                name,
                f"no committed schema {_relative(name, version)}: run `ossature schemas write`",
            ),
        ]
    incompatible = _incompatible(event_type, path)
    if incompatible:
        return problems + incompatible
    if path.read_text("utf-8") != rendered(event_type):
        problems.append(
            Problem(
                name,
                f"{_relative(name, version)} is out of date (a compatible change): run `ossature schemas write`",
            )
        )
    return problems


def _incompatible(event_type: type[Event], path: Path) -> list[Problem]:
    """Why the struct no longer reads what its version's committed schema describes."""
    if not path.is_file():
        return []
    committed: dict[str, Any] = json.loads(path.read_text("utf-8"))
    current = msgspec.json.schema(event_type)
    version = event_type.version
    advice = (
        f"not backward compatible with the committed v{version}: give {event_type.__name__}"
        f" version = {version + 1} and an upcaster from {version}, or undo the change"
    )
    return [
        Problem(event_type.name, f"{reason} ({advice})")
        for reason in incompatibilities(committed, current)
    ]


def _versions(root: Path, name: str) -> list[int]:
    folder = root / "schemas" / "events" / name
    found = (_VERSION_FILE.match(p.name) for p in folder.glob("v*.json"))
    return sorted(int(m.group(1)) for m in found if m)


def _orphans(names: set[str], root: Path) -> list[Problem]:
    """Committed schemas of types no module declares: their stored events would not decode."""
    folder = root / "schemas" / "events"
    if not folder.is_dir():
        return []
    return [
        Problem(
            p.name,
            "a schema is committed but no module declares the type (its stored"
            " events would no longer decode): declare it again, or remove the folder",
        )
        for p in sorted(folder.iterdir())
        if p.is_dir() and p.name not in names
    ]


def _relative(name: str, version: int) -> str:
    return f"schemas/events/{name}/v{version}.json"
