"""The module table, checked when the application starts: a mistake in it refuses to start.

Names are unique (commands, queries, events, projections, notices, mail templates), every
event type a projection, a notice or a mail follows, or a module appends for another, is
declared by a module, every notice's audience query exists, every mail's template has its
two files and its subject in every locale, and every action a command or query needs is
granted by some policy. A feature is declared once, by a product module, named after it
(`<module>.<feature>`); a command or query that needs a feature names a bool feature of its
own module.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Sequence

from ossature.kernel.i18n import LOCALES
from ossature.kernel.mail import subject_key, template_files
from ossature.kernel.module import AnyScope, AtFolder, Module

__all__ = ["TableError", "check_table"]


class TableError(Exception):
    """The module table contradicts itself; each line names the places involved."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("the module table is wrong:\n  " + "\n  ".join(problems))
        self.problems = list(problems)


def check_table(modules: Sequence[Module], granted: Collection[str]) -> None:
    """Raise TableError listing every contradiction of `modules`; `granted`: the actions
    some policy grants."""
    problems = [
        *_twice("command", ((s.name, m.name) for m in modules for s in m.commands)),
        *_twice("query", ((s.name, m.name) for m in modules for s in m.queries)),
        *_twice("event", ((e.name, f"{m.name} ({e.__name__})") for m in modules for e in m.events)),
        *_twice("projection", ((p.name, m.name) for m in modules for p in m.projections)),
        *_twice("notice of", ((n.event_type, m.name) for m in modules for n in m.notices)),
        *_twice("mail template", ((t.template, m.name) for m in modules for t in m.mails)),
        *_undeclared(modules),
        *_unmailable(modules),
        *_ungranted(modules, granted),
        *_twice("feature", ((f.name, m.name) for m in modules for f in m.features)),
        *_misdeclared_features(modules),
        *_unknown_features(modules),
    ]
    if problems:
        raise TableError(problems)


def _twice(kind: str, names: Iterable[tuple[str, str]]) -> list[str]:
    """`kind 'name' is declared by module a and by module b` for each name seen twice."""
    first: dict[str, str] = {}
    problems = []
    for name, place in names:
        if name in first:
            problems.append(f"{kind} {name!r} is declared by module {first[name]} and by {place}")
        else:
            first[name] = place
    return problems


def _undeclared(modules: Sequence[Module]) -> list[str]:
    declared = {e.name for m in modules for e in m.events}
    queries = {s.name for m in modules for s in m.queries}
    owned = {e for m in modules for e in m.events}
    problems = [
        f"module {m.name} appends {e.name!r} ({e.__name__}), which no module declares"
        for m in modules
        for e in m.appends
        if e not in owned
    ]
    problems += [
        f"projection {p.name!r} of module {m.name} follows {t!r}, which no module declares"
        for m in modules
        for p in m.projections
        for t in sorted(p.event_types - declared)
    ]
    for m in modules:
        for n in m.notices:
            if n.event_type not in declared:
                problems.append(
                    f"a notice of module {m.name} follows {n.event_type!r},"
                    " which no module declares"
                )
            if n.audience not in queries:
                problems.append(
                    f"the notice of {n.event_type!r} (module {m.name}) asks the query"
                    f" {n.audience!r}, which no module declares"
                )
    return problems


def _unmailable(modules: Sequence[Module]) -> list[str]:
    """A mail of an undeclared event, or whose template misses a file or a subject."""
    declared = {e.name for m in modules for e in m.events}
    problems = []
    for m in modules:
        for mail in m.mails:
            where = f"the mail {mail.template!r} of module {m.name}"
            if mail.event_type not in declared:
                problems.append(f"{where} follows {mail.event_type!r}, which no module declares")
            problems.extend(_template_problems(m, mail.template, where))
    return problems


def _template_problems(module: Module, template: str, where: str) -> list[str]:
    if module.root is None:
        return [f"{where} has no templates: the module names no root folder"]
    files = template_files(module.root, template)
    problems = [f"{where} misses its file {file}" for file in files if not file.is_file()]
    texts = tomllib.loads(module.messages.read_text("utf-8")) if module.messages else {}
    key = subject_key(template)
    return problems + [
        f"{where} has no subject {key!r} in {locale} (its messages.toml)"
        for locale in LOCALES
        if locale not in texts.get(key, {})
    ]


def _ungranted(modules: Sequence[Module], granted: Collection[str]) -> list[str]:
    problems = []
    for m in modules:
        for kind, specs in (("command", m.commands), ("query", m.queries)):
            for spec in specs:
                rule = spec.authorization
                if isinstance(rule, AnyScope | AtFolder) and rule.action not in granted:
                    problems.append(
                        f"{kind} {spec.name!r} of module {m.name} needs the action"
                        f" {rule.action!r}, which no policy grants (modules/access/roles.json)"
                    )
    return problems


def _misdeclared_features(modules: Sequence[Module]) -> list[str]:
    """A feature not named `<module>.<...>`, or declared by a platform module (always on)."""
    problems = []
    for m in modules:
        for feature in m.features:
            if not feature.name.startswith(f"{m.name}.") or feature.name == f"{m.name}.":
                problems.append(
                    f"feature {feature.name!r} of module {m.name} must be named {m.name}.<name>"
                )
            if not m.product:
                problems.append(
                    f"feature {feature.name!r} is declared by module {m.name}, which is no"
                    " product module (the platform's modules are always on)"
                )
    return problems


def _unknown_features(modules: Sequence[Module]) -> list[str]:
    """A command or query naming a feature its module does not declare, or one not a bool."""
    problems = []
    for m in modules:
        own = {f.name: f for f in m.features}
        for kind, specs in (("command", m.commands), ("query", m.queries)):
            for spec in specs:
                if spec.feature is None:
                    continue
                feature = own.get(spec.feature)
                if feature is None:
                    problems.append(
                        f"{kind} {spec.name!r} of module {m.name} needs the feature"
                        f" {spec.feature!r}, which module {m.name} does not declare"
                    )
                elif not isinstance(feature.default, bool):
                    problems.append(
                        f"{kind} {spec.name!r} of module {m.name} needs the feature"
                        f" {spec.feature!r}, which is not on or off (its default is not a bool)"
                    )
    return problems
