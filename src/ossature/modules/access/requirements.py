"""Requirements (`requirements.toml`, decision 82): what an account must hold to run a product
module's commands, by scope and by the tenant's country, and the entitlements that meet each.

Read once per process and checked against the modules' tables when the application starts.
Which requirements may apply to a command is worked out then, so that a command none applies
to costs a dictionary lookup; the tenant's country narrows them down at the first use of each
(command, country), remembered. Everything here is pure: the check that reads an account's
entitlements is `entitlements.hold`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ossature.kernel.module import CommandSpec, Module

__all__ = [
    "REQUIREMENTS_FILE",
    "Requirement",
    "Requirements",
    "flow_of",
    "load_requirements",
    "terms_version",
]

REQUIREMENTS_FILE = Path(__file__).with_name("requirements.toml")
TERMS = "signed-terms:"  # signed-terms:<version>, gained by accept-terms
EVERYWHERE = "everywhere"
# The entitlements an account can hold, and the command (a client's flow) that gains each;
# None: no command of Ossature's grants it yet.
FLOWS: Mapping[str, str | None] = {
    "email-verified": "verify-email",
    "mfa-enrolled": "enroll-totp",
    "corporate-email": None,
}


def flow_of(entitlement: str) -> str | None:
    """The command that gains `entitlement` (accept-terms, verify-email, enroll-totp), if any."""
    return "accept-terms" if entitlement.startswith(TERMS) else FLOWS.get(entitlement)


def terms_version(entitlement: str) -> str | None:
    """The version of terms a `signed-terms:<version>` entitlement names, else None."""
    return entitlement.removeprefix(TERMS) if entitlement.startswith(TERMS) else None


def known(entitlement: str) -> bool:
    return entitlement in FLOWS or (entitlement.startswith(TERMS) and len(entitlement) > len(TERMS))


@dataclass(frozen=True)
class Requirement:
    """One requirement: its scopes, the countries it applies in (None: all) and, by country
    (`everywhere` for the others), the entitlements of which any one meets it."""

    id: str
    scopes: tuple[str, ...]
    countries: frozenset[str] | None
    satisfied_by: Mapping[str, tuple[str, ...]]

    def applies_in(self, country: str | None) -> bool:
        return self.countries is None or country in self.countries

    def alternatives(self, country: str | None) -> tuple[str, ...]:
        """The entitlements that meet it for a tenant of `country`."""
        by_country = self.satisfied_by.get(country or "")
        return by_country if by_country is not None else self.satisfied_by.get(EVERYWHERE, ())

    def met(self, held: Collection[str], country: str | None) -> bool:
        return any(entitlement in held for entitlement in self.alternatives(country))

    def flow(self, country: str | None) -> str | None:
        """The flow of its first alternative that has one: what a client offers to meet it."""
        return next(filter(None, map(flow_of, self.alternatives(country))), None)

    def covers(self, module: Module, spec: CommandSpec[Any]) -> bool:
        """True when one of its scopes takes in this command of `module`."""
        return module.product and any(_covers(scope, module, spec.feature) for scope in self.scopes)


def _covers(scope: str, module: Module, feature: str | None) -> bool:
    kind, _, name = scope.partition(":")
    return (
        scope == "platform"
        or (kind == "module" and name == module.name)
        or (kind == "feature" and name == feature)
    )


def unmet(
    applying: Sequence[Requirement], held: Collection[str], country: str | None
) -> list[Requirement]:
    """The requirements among `applying` that none of `held` meets in `country`."""
    return [r for r in applying if r.applies_in(country) and not r.met(held, country)]


@dataclass
class Requirements:
    """Every requirement, and those that may apply to each product module's command."""

    all: tuple[Requirement, ...]
    by_command: Mapping[str, tuple[Requirement, ...]]
    _by_country: dict[tuple[str, str | None], tuple[Requirement, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, modules: Sequence[Module], every: Sequence[Requirement] | None = None
    ) -> Requirements:
        """The index of `every` (by default requirements.toml's) over `modules`' commands,
        made when the application starts; ValueError listing what in them
        names no product module, no feature or no entitlement an account can hold."""
        every = load_requirements() if every is None else every
        wrong = problems(every, modules)
        if wrong:
            raise ValueError("requirements.toml is wrong:\n  " + "\n  ".join(wrong))
        by_command = {
            spec.name: applying
            for module in modules
            for spec in module.commands
            if (applying := tuple(r for r in every if r.covers(module, spec)))
        }
        return cls(tuple(every), by_command)

    def applying(self, command: str, country: str | None) -> tuple[Requirement, ...]:
        """The requirements on `command` for a tenant of `country` (remembered)."""
        key = (command, country)
        found = self._by_country.get(key)
        if found is None:
            found = tuple(r for r in self.by_command.get(command, ()) if r.applies_in(country))
            self._by_country[key] = found
        return found

    @property
    def terms_versions(self) -> frozenset[str]:
        """Every version of terms some requirement names (what accept-terms accepts)."""
        return frozenset(
            version
            for r in self.all
            for alternatives in r.satisfied_by.values()
            for version in map(terms_version, alternatives)
            if version is not None
        )


def problems(every: Sequence[Requirement], modules: Sequence[Module]) -> list[str]:
    """What in `every` contradicts `modules`: a scope naming no product module or no declared
    feature, an unknown scope, an entitlement no account can hold."""
    products = {m.name for m in modules if m.product}
    features = {f.name for m in modules for f in m.features}
    wrong = []
    for r in every:
        for scope in r.scopes:
            kind, _, name = scope.partition(":")
            if not (
                scope == "platform"
                or (kind == "module" and name in products)
                or (kind == "feature" and name in features)
            ):
                wrong.append(f"{r.id!r}: the scope {scope!r} names no product module or feature")
        for alternatives in r.satisfied_by.values():
            wrong += [f"{r.id!r}: no account can hold {e!r}" for e in alternatives if not known(e)]
    return wrong


def load_requirements(path: Path = REQUIREMENTS_FILE) -> list[Requirement]:
    """The requirements in `path`; ValueError naming the first one that is malformed."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return [_requirement(rid, table) for rid, table in raw.items()]


def _requirement(rid: str, table: Any) -> Requirement:
    try:
        scopes = _names(table["scopes"])
        countries = table.get("countries")
        by = table["satisfied-by"]
        satisfied_by = {EVERYWHERE: _names(by)} if isinstance(by, list) else _by_country(by)
        unknown = set(table) - {"scopes", "countries", "satisfied-by"}
        if unknown or not scopes or not any(satisfied_by.values()):
            raise ValueError(f"unknown keys {sorted(unknown)} or nothing to apply to or meet it")
        return Requirement(
            rid, scopes, None if countries is None else frozenset(_names(countries)), satisfied_by
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ValueError(f"requirement {rid!r}: {error}") from None


def _by_country(table: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {country: _names(names) for country, names in table.items()}


def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{value!r} is not a list of names")
    return tuple(value)
