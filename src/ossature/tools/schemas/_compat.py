"""Whether a payload stored under one JSON schema still decodes under another (decision 97).

`incompatibilities(old, new)` lists why a value the old schema accepts might be refused by the
new one, or silently lose data in it. Backward compatible means: every stored payload of the
old shape decodes into the new struct, keeping everything it held. So:

- a field may be added only with a default (it is absent from the stored payloads);
- no field may be removed (a rename is a removal and an addition): its stored values would be
  dropped without a word, as events ignore unknown fields;
- a field that was optional may not become required;
- a field's type may only widen: the same type, a union that holds the old one, a looser
  constraint (a longer maximum, a smaller minimum, no pattern, more enum values), an integer
  becoming a number. Anything else is a change of type.

Titles, descriptions and defaults are documentation, not shape: they may change freely.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["incompatibilities"]

Schema = Mapping[str, Any]

_NOTES = frozenset({"title", "description", "default", "examples"})
_UPPER = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_LOWER = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")


def incompatibilities(old: Schema, new: Schema) -> list[str]:
    """Why some payload valid under `old` (a whole schema, with its `$defs`) may not decode
    under `new`, or may lose data in it; empty when `new` accepts every such payload."""
    return _Pair(old, new).accepts(old, new, "")


class _Pair:
    """Two whole schemas, so that a `$ref` in each resolves against its own `$defs`."""

    def __init__(self, old: Schema, new: Schema) -> None:
        self.old_defs: Mapping[str, Schema] = old.get("$defs", {})
        self.new_defs: Mapping[str, Schema] = new.get("$defs", {})
        self.seen: set[tuple[str, str]] = set()  # pairs of definitions under comparison

    def accepts(self, old: Schema, new: Schema, at: str) -> list[str]:
        refs = (old.get("$ref", ""), new.get("$ref", ""))
        if refs in self.seen and all(refs):
            return []  # a recursive type: this pair is already being compared
        if all(refs):
            self.seen.add(refs)
        old, new = _bare(old, self.old_defs), _bare(new, self.new_defs)
        if not new or old == new:
            return []
        if "anyOf" in old:
            return [p for member in old["anyOf"] for p in self.accepts(member, new, at)]
        if "anyOf" in new:
            if any(not self.accepts(old, member, at) for member in new["anyOf"]):
                return []
            return [f"{_name(at)} changed type from {_shown(old)} to {_shown(new)}"]
        if "properties" in old and "properties" in new:
            return self._fields(old, new, at)
        if old.get("type") == "array" and new.get("type") == "array":
            problems = self.accepts(
                old.get("items", {}), new.get("items", {}), f"{at.rstrip('.')}[]."
            )
            return problems + _constraints(_without(old, "items"), _without(new, "items"), at)
        return _constraints(old, new, at)

    def _fields(self, old: Schema, new: Schema, at: str) -> list[str]:
        """A struct's fields: none removed, none newly required, each one's type widened."""
        was, now = old["properties"], new["properties"]
        problems = [f"field {at}{field} was removed" for field in was if field not in now]
        required_before = set(old.get("required", ()))
        for field in new.get("required", ()):
            if field in required_before:
                continue
            if field in was:
                problems.append(f"field {at}{field} was optional and is now required")
            else:
                problems.append(f"field {at}{field} was added without a default")
        for field in was:
            if field in now:
                problems += self.accepts(was[field], now[field], f"{at}{field}.")
        return problems


def _bare(schema: Schema, defs: Mapping[str, Schema]) -> dict[str, Any]:
    """The schema with its `$ref` followed and its notes left out."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = defs.get(ref.rsplit("/", 1)[-1], {})
    return {key: value for key, value in schema.items() if key not in _NOTES}


def _constraints(old: Schema, new: Schema, at: str) -> list[str]:
    """One scalar type: the same (or integer to number) with constraints kept or loosened."""
    widened = (old.get("type"), new.get("type")) == ("integer", "number")
    if old.get("type") != new.get("type") and not widened:
        return [f"{_name(at)} changed type from {_shown(old)} to {_shown(new)}"]
    problems = []
    for key in new.keys() - {"type"}:
        if not _looser(key, old.get(key), new[key]):
            problems.append(f"{_name(at)} is narrowed: {key} {old.get(key)!r} -> {new[key]!r}")
    return problems


def _looser(key: str, before: Any, after: Any) -> bool:
    """Whether the constraint `key` at `after` accepts all that `before` (None: absent) did."""
    if before == after:
        return True
    if before is None:
        return False
    if key in _UPPER:
        return bool(after >= before)
    if key in _LOWER:
        return bool(after <= before)
    if key == "enum":
        return set(before) <= set(after)
    return False


def _without(schema: Schema, key: str) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != key}


def _name(at: str) -> str:
    return f"field {at.rstrip('.')}" if at else "the payload"


def _shown(schema: Schema) -> str:
    if "anyOf" in schema:
        return " | ".join(_shown(member) for member in schema["anyOf"])
    return str(schema.get("type", "object" if "properties" in schema else schema))
