"""The catalog of plans (`plans.toml`, decision 70): what each plan costs, includes and allows.

Read once per process. `Catalog.problems(modules)` lists what contradicts the modules' tables
(an unknown module or feature, a value of the wrong type); the application refuses to start on
any. Prices are Money: read exactly from their decimal text, in the plan's currency.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ossature.kernel.module import FeatureValue, Module
from ossature.kernel.money import Money

__all__ = ["CATALOG_FILE", "Block", "Catalog", "Plan", "catalog", "load_catalog"]

CATALOG_FILE = Path(__file__).with_name("plans.toml")


@dataclass(frozen=True)
class Block:
    """Each further block of `operations` past the included ones (a started block counts)
    costs `price`."""

    operations: int
    price: Money


@dataclass(frozen=True)
class Plan:
    name: str
    base_fee: Money
    modules: frozenset[str]
    included_operations: int
    block: Block
    quota: int | None  # operations per cycle; None: no limit
    features: Mapping[str, FeatureValue] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.base_fee.currency


@dataclass(frozen=True)
class Catalog:
    plans: Mapping[str, Plan]
    default: str

    def plan(self, name: str) -> Plan | None:
        return self.plans.get(name)

    def problems(self, modules: Sequence[Module]) -> list[str]:
        """What in the catalog contradicts `modules` (the application's table)."""
        products = {m.name for m in modules if m.product}
        features = {f.name: f for m in modules for f in m.features}
        problems = []
        for plan in self.plans.values():
            for module in sorted(plan.modules - products):
                problems.append(f"plan {plan.name!r} includes {module!r}, no product module")
            for name, value in plan.features.items():
                declared = features.get(name)
                if declared is None:
                    problems.append(f"plan {plan.name!r} sets {name!r}, which no module declares")
                elif type(value) is not type(declared.default):
                    problems.append(
                        f"plan {plan.name!r} sets {name!r} to {value!r}, not a"
                        f" {type(declared.default).__name__}"
                    )
        return problems


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """The catalog in `path`; ValueError naming the first plan or field that is wrong."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    plans = {name: _plan(name, table) for name, table in raw.get("plans", {}).items()}
    default = str(raw.get("default"))
    if default not in plans:
        raise ValueError(f"{path.name}: the default plan {default!r} is not a plan")
    return Catalog(plans, default)


@cache
def catalog() -> Catalog:
    """The application's catalog, read once per process."""
    return load_catalog()


def _plan(name: str, table: Mapping[str, Any]) -> Plan:
    try:
        currency = table["currency"]
        block = table["block"]
        plan = Plan(
            name=name,
            base_fee=Money.parse(table["base-fee"], currency),
            modules=frozenset(table["modules"]),
            included_operations=_count(table["included-operations"]),
            block=Block(_count(block["operations"], 1), Money.parse(block["price"], currency)),
            quota=None if table.get("quota") is None else _count(table["quota"]),
            features=dict(table.get("features", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"plan {name!r}: {error}") from None
    if plan.base_fee.amount < 0 or plan.block.price.amount < 0:
        raise ValueError(f"plan {name!r}: a price is negative")
    return plan


def _count(value: object, least: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"{value!r} is not a whole number of at least {least}")
    return value
