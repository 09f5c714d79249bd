"""The names a module or a command is written with, from the one the developer gives."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

__all__ = ["CommandNames", "ModuleNames", "NameRefused"]

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")


class NameRefused(ValueError):
    """A name that cannot become a Python package, a wire name and a table name at once."""


def _words(name: str) -> list[str]:
    if not _NAME.match(name):
        raise NameRefused(f"{name!r}: use lowercase letters and digits, words joined by - or _")
    words = re.split(r"[-_]", name)
    if keyword.iskeyword("_".join(words)):
        raise NameRefused(f"{name!r} is a Python keyword")
    return words


def _camel(words: list[str]) -> str:
    return words[0] + "".join(w.capitalize() for w in words[1:])


@dataclass(frozen=True)
class ModuleNames:
    """A module (plural: `purchase-orders`) and its entity (singular: `purchase-order`)."""

    module: list[str]
    entity: list[str]

    @classmethod
    def of(cls, module: str, entity: str | None = None) -> ModuleNames:
        words = _words(module)
        if entity is None:
            if not words[-1].endswith("s") or len(words[-1]) < 2:
                raise NameRefused(f"{module!r}: name the entity with --entity (one of its items)")
            entity_words = [*words[:-1], words[-1][:-1]]
        else:
            entity_words = _words(entity)
        if entity_words == words:
            raise NameRefused("the module (plural) and its entity (singular) must differ")
        return cls(words, entity_words)

    @property
    def package(self) -> str:
        return "_".join(self.module)

    @property
    def entity_snake(self) -> str:
        return "_".join(self.entity)

    def tokens(self) -> dict[str, str]:
        """Every placeholder of the templates and its text, longest first."""
        return {
            "__entitiesCamel__": _camel(self.module),
            "__entityCamel__": _camel(self.entity),
            "__Entities__": "".join(w.capitalize() for w in self.module),
            "__Entity__": "".join(w.capitalize() for w in self.entity),
            "__entkebab__": "-".join(self.entity),
            "__modkebab__": "-".join(self.module),
            "__module__": self.package,
            "__entity__": self.entity_snake,
            "__Title__": " ".join(self.module).capitalize(),
            "__words__": " ".join(self.entity),
        }


@dataclass(frozen=True)
class CommandNames:
    """A command (`approve-invoice`) and the event it appends (`invoice-approved`)."""

    command: list[str]
    event: list[str]

    @classmethod
    def of(cls, command: str, entity: list[str], event: str | None = None) -> CommandNames:
        words = _words(command)
        if len(words) < 2:
            raise NameRefused(f"{command!r}: a command is a verb and what it acts on")
        return cls(words, _words(event) if event else [*entity, _past(words[0])])

    def tokens(self) -> dict[str, str]:
        return {
            "__EventClass__": "".join(w.capitalize() for w in self.event),
            "__Command__": "".join(w.capitalize() for w in self.command),
            "__eventkebab__": "-".join(self.event),
            "__eventsnake__": "_".join(self.event),
            "__cmdkebab__": "-".join(self.command),
            "__cmdsnake__": "_".join(self.command),
        }


def _past(verb: str) -> str:
    """A regular past participle (`approve` → `approved`); irregular ones take --event."""
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 1 and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"
