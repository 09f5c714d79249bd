"""Checking a catalog's texts across locales: the server's and the web app's catalogs."""

from __future__ import annotations

import re
import string
from pathlib import Path

from ossature.kernel.i18n import LOCALES

__all__ = ["gaps", "placeholders"]

_SCRIPTS = {"ar": re.compile(r"[\u0600-\u06ff]")}
"""A locale whose script differs from Latin: each of its texts holds at least one letter of it."""


def placeholders(text: str) -> set[str]:
    """The {names} a text fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def gaps(file: Path, texts: dict[str, str], key: str) -> list[str]:
    """What is wrong with `key`'s texts: a locale missing or unknown, placeholders differing
    from en's, an empty text, a text not in its locale's script (unless the text is the same
    in every locale: a name, such as a language's own name in the language chooser)."""
    where = f"{file.parent.name}/{file.name} [{key}]"
    problems = [f"{where} has no {locale}" for locale in LOCALES if locale not in texts]
    problems += [f"{where} has {locale}, not a locale" for locale in texts if locale not in LOCALES]
    wanted = placeholders(texts.get("en", ""))
    a_name = len(set(texts.values())) == 1 and set(texts) == set(LOCALES)
    for locale, text in texts.items():
        if placeholders(text) != wanted:
            problems.append(f"{where} {locale} fills {placeholders(text)}, en fills {wanted}")
        if not text.strip():
            problems.append(f"{where} {locale} is empty")
        if locale in _SCRIPTS and not _SCRIPTS[locale].search(text) and not a_name:
            problems.append(f"{where} {locale} holds no letter of its script: {text!r}")
    return problems
