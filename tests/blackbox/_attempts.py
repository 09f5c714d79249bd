"""Cross-tenant attempts derived from the module table: one per id field of every payload.

Every command and query that is not public is tried. Its payload is built from its type:
an id field names an entity of the other tenant (one such field at a time, the others
naming the actor's own), switches are on (the widest answer; those of `_OFF` are not),
other optional fields keep their defaults, and required ones get a valid sample. A new command is covered without an
edit here; a new kind of id field fails loudly until ENTITY_OF says what it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from msgspec import inspect

from ossature.kernel.messages import Payload
from ossature.kernel.module import CommandSpec, Public, QuerySpec
from ossature.kernel.sensitive import string_info
from ossature.runtime.application import Application

__all__ = ["ENTITY_OF", "Attempt", "attempts", "payload_for", "wire_names"]

# The entity each id field names, by its wire name without the "Id" suffix.
ENTITY_OF = {
    "project": "project",
    "folder": "folder",
    "parent": "folder",
    "account": "account",
    "actor": "account",
    "token": "personal-access-token",
    "key": "api-key",
    "serviceAccount": "service-account",
    "invocation": "invocation",  # an audit entry's (get-audit-entry, report-problem)
    "tenant": "tenant",  # a platform operator's commands and queries name one
    "invoice": "invoice",
    "cycle": "billing-cycle",
    "line": "invoice-line",  # a line of the invoice named beside it: "1" is the base line
}
# Values a handler checks beyond their type, so that the attempt reaches the tenant check.
_HINTS = {"role": "tenant-admin", "currency": "EUR"}
# Switches left off: on, they would outlive the attempt and shut the attempting admin out of
# every later one (requireMfa limits the admin's next log-ins to enrolling a second factor).
_OFF = frozenset({"requireMfa"})
Entities = dict[str, str]


@dataclass(frozen=True)
class Attempt:
    """One invocation to try as another tenant; `foreign` is the id field naming their entity."""

    kind: str
    name: str
    payload: type[Payload]
    foreign: str | None

    @property
    def path(self) -> str:
        return f"{'commands' if self.kind == 'command' else 'queries'}/{self.name}"

    @property
    def label(self) -> str:
        return f"{self.name}[{self.foreign}]" if self.foreign else self.name


def attempts() -> list[Attempt]:
    """Every command and query that is not public, once per id field of its payload."""
    app = Application.of()
    specs: list[tuple[str, CommandSpec | QuerySpec]] = [
        *(("command", s) for s in app.commands.values()),
        *(("query", s) for s in app.queries.values()),
    ]
    return [
        Attempt(kind, spec.name, spec.payload, foreign)
        for kind, spec in specs
        if not isinstance(spec.authorization, Public)
        for foreign in _foreign_choices(spec.payload)
    ]


def payload_for(attempt: Attempt, theirs: Entities, own: Entities, unique: str) -> dict[str, Any]:
    """The attempt's payload: their entity in its foreign field, the actor's own in the others."""
    payload: dict[str, Any] = {}
    for field in _fields(attempt.payload):
        if _entity(field) is not None:
            payload[field.encode_name] = _entity_id(attempt, field, theirs, own)
        elif isinstance(_plain(field.type), inspect.BoolType):
            payload[field.encode_name] = field.encode_name not in _OFF
        elif field.required:
            payload[field.encode_name] = _sample(field.encode_name, _plain(field.type), unique)
    return payload


def wire_names(payload: type[Payload]) -> set[str]:
    """The names of a payload's fields on the wire."""
    return {field.encode_name for field in _fields(payload)}


def _fields(payload: type[Payload]) -> tuple[inspect.Field, ...]:
    info = inspect.type_info(payload)
    assert isinstance(info, inspect.StructType), payload
    return info.fields


def _foreign_choices(payload: type[Payload]) -> list[str | None]:
    """Each id field in turn, or None alone for a payload naming no entity."""
    ids: list[str | None] = [f.encode_name for f in _fields(payload) if _entity(f) is not None]
    return ids or [None]


def _entity(field: inspect.Field) -> str | None:
    """The entity an id field names; None for a field that is not an id."""
    if not field.encode_name.endswith("Id"):
        return None
    stem = field.encode_name.removesuffix("Id")
    assert stem in ENTITY_OF, f"{field.encode_name}: which entity does it name? See ENTITY_OF"
    return ENTITY_OF[stem]


def _entity_id(attempt: Attempt, field: inspect.Field, theirs: Entities, own: Entities) -> str:
    entity = _entity(field)
    assert entity is not None
    return (theirs if field.encode_name == attempt.foreign else own)[entity]


def _plain(kind: inspect.Type) -> inspect.Type:
    """The type without its None alternative, for optional fields; a Secret or Personal
    field's as the string it travels as."""
    if isinstance(kind, inspect.UnionType):
        kind = next(t for t in kind.types if not isinstance(t, inspect.NoneType))
    return string_info(kind)


def _sample(name: str, kind: inspect.Type, unique: str) -> Any:
    """A value the payload's type accepts (the gateway must not refuse it as junk)."""
    if isinstance(kind, inspect.LiteralType):
        return kind.values[0]
    if isinstance(kind, inspect.DateType):
        return date.today().isoformat()
    if isinstance(kind, inspect.IntType):
        return kind.ge if kind.ge is not None else 1
    if isinstance(kind, inspect.StructType):  # a nested object: its required fields sampled
        return {
            f.encode_name: _sample(f.encode_name, _plain(f.type), unique)
            for f in kind.fields
            if f.required
        }
    assert isinstance(kind, inspect.StrType), f"{name}: no sample for {kind}"
    candidates = [_HINTS.get(name, f"planted-{unique}"), f"planted-{unique}@globex.test"]
    accepted = [c for c in candidates if _accepts(kind, c)]
    assert accepted, f"{name}: no sample fits {kind}; add one to _HINTS"
    return accepted[0]


def _accepts(kind: inspect.StrType, value: str) -> bool:
    longest = kind.max_length if kind.max_length is not None else len(value)
    fits = (kind.min_length or 0) <= len(value) <= longest
    return fits and (kind.pattern is None or re.search(kind.pattern, value) is not None)
