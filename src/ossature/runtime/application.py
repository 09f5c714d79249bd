"""The composition root's table of contents: every module, its commands, queries, projections
and sagas."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ossature.kernel.i18n import Catalogs
from ossature.kernel.messages import Event, EventTypes
from ossature.kernel.module import CommandSpec, Module, QuerySpec
from ossature.kernel.projection import Projection
from ossature.kernel.sagas import Saga
from ossature.kernel.table import TableError, check_table
from ossature.modules import (
    access,
    analytics,
    announcements,
    audit,
    backoffice,
    billing,
    identity,
    localization,
    notifications,
    projects,
    support,
    tenancy,
)
from ossature.modules.access import granted_actions
from ossature.modules.tenancy.catalog import catalog

__all__ = ["MODULES", "Application"]

MODULES: tuple[Module, ...] = (
    tenancy.MODULE,
    identity.MODULE,
    access.MODULE,
    projects.MODULE,
    audit.MODULE,
    analytics.MODULE,
    localization.MODULE,
    notifications.MODULE,
    support.MODULE,
    announcements.MODULE,
    billing.MODULE,
    backoffice.MODULE,  # reads the others' tables: its functions are applied after theirs
)


@dataclass(frozen=True)
class Application:
    """Every command and query by name, and every projection, from an explicit module list."""

    modules: tuple[Module, ...]
    commands: dict[str, CommandSpec[Any]]
    queries: dict[str, QuerySpec[Any]]
    event_types: EventTypes
    declared_by: dict[str, frozenset[type[Event]]]  # a command's name: its module's events
    # each command's and each query's module, by name (a product module's are gated and metered)
    module_of_command: dict[str, Module]
    module_of_query: dict[str, Module]

    @classmethod
    def of(
        cls, modules: Sequence[Module] = MODULES, granted: Collection[str] | None = None
    ) -> Application:
        """The application of `modules`; TableError when their table contradicts itself
        (`granted`: the actions some policy grants, by default the access module's roles), or when
        the catalog of plans names a module or feature they do not declare."""
        check_table(modules, granted_actions() if granted is None else granted)
        if tenancy.MODULE in modules:  # tenancy sells the plans: they must fit the table
            problems = catalog().problems(modules)
            if problems:
                raise TableError([f"plans.toml: {problem}" for problem in problems])
        commands = {spec.name: spec for module in modules for spec in module.commands}
        queries = {spec.name: spec for module in modules for spec in module.queries}
        types = EventTypes(event for module in modules for event in module.events)
        declared_by = {
            spec.name: module.appendable for module in modules for spec in module.commands
        }
        of_command = {spec.name: module for module in modules for spec in module.commands}
        of_query = {spec.name: module for module in modules for spec in module.queries}
        return cls(tuple(modules), commands, queries, types, declared_by, of_command, of_query)

    # Made once: every command's commit asks for the inline projections.
    @cached_property
    def projections(self) -> tuple[Projection, ...]:
        return tuple(p for module in self.modules for p in module.projections)

    @cached_property
    def inline_projections(self) -> tuple[Projection, ...]:
        return tuple(p for p in self.projections if p.inline)

    @cached_property
    def async_projections(self) -> tuple[Projection, ...]:
        return tuple(p for p in self.projections if not p.inline)

    @cached_property
    def sagas(self) -> tuple[Saga, ...]:
        return tuple(s for module in self.modules for s in module.sagas)

    def projection(self, name: str) -> Projection | None:
        return next((p for p in self.projections if p.name == name), None)

    def catalogs(self) -> Catalogs:
        return Catalogs.load(m.messages for m in self.modules if m.messages)

    def migration_folders(self) -> list[tuple[str, Path]]:
        kernel = Path(__file__).parent.parent / "kernel" / "migrations"
        folders = [("kernel", kernel)]
        return folders + [
            (m.name, m.migrations) for m in self.modules if m.migrations and m.migrations.is_dir()
        ]
