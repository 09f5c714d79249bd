"""The composition root's table of contents: every module, its commands, queries and projections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ossature.kernel.i18n import Catalogs
from ossature.kernel.module import CommandSpec, Module, QuerySpec
from ossature.kernel.projection import Projection
from ossature.modules import (
    access,
    analytics,
    audit,
    identity,
    localization,
    notifications,
    projects,
    tenancy,
)

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
)


@dataclass(frozen=True)
class Application:
    """Every command and query by name, and every projection, from an explicit module list."""

    modules: tuple[Module, ...]
    commands: dict[str, CommandSpec]
    queries: dict[str, QuerySpec]

    @classmethod
    def of(cls, modules: Sequence[Module] = MODULES) -> Application:
        commands = {spec.name: spec for module in modules for spec in module.commands}
        queries = {spec.name: spec for module in modules for spec in module.queries}
        return cls(tuple(modules), commands, queries)

    @property
    def projections(self) -> list[Projection]:
        return [p for module in self.modules for p in module.projections]

    @property
    def inline_projections(self) -> list[Projection]:
        return [p for p in self.projections if p.inline]

    @property
    def async_projections(self) -> list[Projection]:
        return [p for p in self.projections if not p.inline]

    def projection(self, name: str) -> Projection | None:
        return next((p for p in self.projections if p.name == name), None)

    def catalogs(self) -> Catalogs:
        return Catalogs.load(m.messages for m in self.modules if m.messages and m.messages.is_dir())

    def migration_folders(self) -> list[tuple[str, Path]]:
        kernel = Path(__file__).parent.parent / "kernel" / "migrations"
        folders = [("kernel", kernel)]
        return folders + [
            (m.name, m.migrations) for m in self.modules if m.migrations and m.migrations.is_dir()
        ]
