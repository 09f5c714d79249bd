"""The authorization decision: a Rego policy (`policy.rego`) evaluated in-process by regopy.

The policy and its data compile once into a bundle that every thread shares; each
thread evaluates it with an Interpreter of its own, because one shared Interpreter
gives wrong answers under threads. A decision costs ~0.15 ms with one grant and
~0.5 ms with 20: about half of that is regopy building the input in Python (GIL
held), the rest is the engine (GIL released).

A decision depends only on its input (the policy and its data are fixed when the
process starts), so answers are kept in a bounded cache keyed by the input: a
user's repeated requests cost one dictionary lookup after the first.

Every failure is a denial. A policy or data that does not compile makes every
decision deny (`compiled` is then False); an evaluation that raises, errs, or
answers anything but the expected shape denies that decision. Both are logged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import regopy  # type: ignore[import-untyped,unused-ignore]

from ossature.kernel.logging import get_logger

__all__ = ["AccessPolicy", "Grant", "GrantLike", "granted_actions"]

_log = get_logger("ossature.access")
_ALLOW = "ossature/access/allow"
_ACTIONS = "ossature/access/actions"
_VISIBLE = "ossature/access/visible"
_GRANTING = "ossature/access/granting_folders"
# rego-cpp lets data at data.ossature.access.<rule> replace the rule: load nothing else.
_DATA_KEYS = frozenset({"roles", "policies"})
_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class Grant:
    """A role assigned to an account at a folder, inherited by every folder below it."""

    role: str
    folder_id: str


class GrantLike(Protocol):
    """Anything with a role and a folder id, such as `Grant` or the context's grants."""

    @property
    def role(self) -> str: ...

    @property
    def folder_id(self) -> str: ...


def granted_actions() -> frozenset[str]:
    """Every action that some policy of the built-in roles grants."""
    data = json.loads(resources.files(__package__).joinpath("roles.json").read_text("utf-8"))
    return frozenset(a for policy in data["policies"].values() for a in policy["actions"])


class AccessPolicy:
    """Decides which actions grants permit at a folder; safe to share between threads."""

    def __init__(self, rego_source: str, data: Mapping[str, object]) -> None:
        self._bundle = _compile(rego_source, data)
        self._local = threading.local()
        self._answers: dict[Hashable, object] = {}

    @classmethod
    def builtin(cls) -> AccessPolicy:
        """The policy and the built-in roles shipped in this package."""
        files = resources.files(__package__)
        source = files.joinpath("policy.rego").read_text(encoding="utf-8")
        data = json.loads(files.joinpath("roles.json").read_text(encoding="utf-8"))
        return cls(source, data)

    @property
    def compiled(self) -> bool:
        """False when the policy or its data did not compile: every decision then denies."""
        return self._bundle is not None

    def allows(self, grants: Sequence[GrantLike], action: str, scope: Sequence[str]) -> bool:
        """True if a grant at a folder of `scope` (itself, then its ancestors) permits `action`."""
        return self._evaluate(_ALLOW, grants, action=action, scope=scope) is True

    def actions(self, grants: Sequence[GrantLike], scope: Sequence[str]) -> frozenset[str]:
        """Every action that the grants permit at `scope` (itself, then its ancestors)."""
        return _names(self._evaluate(_ACTIONS, grants, scope=scope))

    def visible(
        self, grants: Sequence[GrantLike], action: str, folders: Mapping[str, Sequence[str]]
    ) -> frozenset[str]:
        """The folders (each mapped to its chain: itself, then ancestors) that permit `action`."""
        return _names(self._evaluate(_VISIBLE, grants, action=action, folders=folders))

    def granting(self, grants: Sequence[GrantLike], action: str) -> frozenset[str]:
        """The folders at which a grant permits `action`: it is permitted in their subtrees.

        `visible` is exactly the folders whose chain holds one of these, so a query can
        filter by them in SQL without reading every folder's chain first.
        """
        return _names(self._evaluate(_GRANTING, grants, action=action))

    def _evaluate(self, entrypoint: str, grants: Sequence[GrantLike], **fields: Any) -> object:
        key = _key(entrypoint, grants, fields)
        if key in self._answers:
            return self._answers[key]
        value = self._decide(entrypoint, grants, fields)
        if value is not None:  # failures are not kept: the next call tries again
            if len(self._answers) >= _CACHE_SIZE:
                self._answers.pop(next(iter(self._answers)))  # the oldest answer goes first
            self._answers[key] = value
        return value

    def _decide(
        self, entrypoint: str, grants: Sequence[GrantLike], fields: dict[str, Any]
    ) -> object:
        if self._bundle is None:
            return None
        try:
            document = {"grants": [_grant(grant) for grant in grants], **fields}
            interpreter = self._interpreter()
            interpreter.set_input(regopy.Input(document))
            value = _value(interpreter.query_bundle_entrypoint(self._bundle, entrypoint))
        except Exception:  # whatever fails, the answer is a denial, never an error
            _log.exception("access.evaluation-failed", entrypoint=entrypoint)
            return None
        if value is None:
            _log.error("access.no-decision", entrypoint=entrypoint)
        return value

    def _interpreter(self) -> Any:
        interpreter = getattr(self._local, "interpreter", None)
        if interpreter is None:
            interpreter = self._local.interpreter = _quiet_interpreter()
        return interpreter


def _compile(source: str, data: Mapping[str, object]) -> Any:
    """The compiled bundle, or None (logged) when the source or the data is broken."""
    try:
        return _build(source, data)
    except Exception:  # a broken policy must deny everything, not stop the process
        _log.exception("access.policy-invalid")
        return None


def _build(source: str, data: Mapping[str, object]) -> Any:
    unexpected = sorted(set(data) - _DATA_KEYS)
    if unexpected:
        raise ValueError(f"the policy data may hold only roles and policies, not {unexpected}")
    builder = _quiet_interpreter()
    builder.add_module("policy.rego", source)
    builder.add_data_json(json.dumps(dict(data)))
    bundle = builder.build(None, [_ALLOW, _ACTIONS, _VISIBLE, _GRANTING])
    if not bundle.ok():  # querying a bundle that failed to build crashes the process
        raise ValueError("the policy or its data did not compile")
    return bundle


def _quiet_interpreter() -> Any:
    interpreter = regopy.Interpreter()
    interpreter.log_level = regopy.LogLevel.NONE  # otherwise rego-cpp prints errors to stdout
    return interpreter


def _key(entrypoint: str, grants: Sequence[GrantLike], fields: Mapping[str, Any]) -> Hashable:
    """The decision's input as a hashable value (sequences become tuples, mappings pairs)."""
    return (
        entrypoint,
        tuple((grant.role, grant.folder_id) for grant in grants),
        tuple((name, _frozen(value)) for name, value in sorted(fields.items())),
    )


def _frozen(value: Any) -> Hashable:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return tuple(sorted((key, tuple(chain)) for key, chain in value.items()))
    return tuple(value)


def _grant(grant: GrantLike) -> dict[str, str]:
    return {"role": grant.role, "folderId": grant.folder_id}


def _value(output: Any) -> object:
    """The one value of a query, or None when the query erred or is undefined."""
    if not output.ok() or len(output) != 1:
        return None
    expressions = output[0].expressions
    if not isinstance(expressions, list) or len(expressions) != 1:
        return None
    return expressions[0]


def _names(value: object) -> frozenset[str]:
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return frozenset(value)
    return frozenset()
