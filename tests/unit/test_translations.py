"""Every catalog is complete in every locale: a key missing from one, or a translation that
lost or gained a {placeholder}, fails here and names the file, the key and the locale."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from ossature.kernel.i18n import LOCALES
from ossature.runtime.application import Application

_SCRIPTS = {"ar": re.compile(r"[\u0600-\u06ff]")}
"""A locale whose script differs from Latin: each of its texts holds at least one letter of it."""


def _message_files() -> list[Path]:
    return [m.messages for m in Application.of().modules if m.messages is not None]


def placeholders(text: str) -> set[str]:
    """The {names} a text fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def gaps(file: Path, texts: dict[str, str], key: str) -> list[str]:
    """What is wrong with `key`'s texts: a locale missing or unknown, placeholders differing
    from en's, an empty text, a text not in its locale's script."""
    where = f"{file.parent.name}/{file.name} [{key}]"
    problems = [f"{where} has no {locale}" for locale in LOCALES if locale not in texts]
    problems += [f"{where} has {locale}, not a locale" for locale in texts if locale not in LOCALES]
    wanted = placeholders(texts.get("en", ""))
    for locale, text in texts.items():
        if placeholders(text) != wanted:
            problems.append(f"{where} {locale} fills {placeholders(text)}, en fills {wanted}")
        if not text.strip():
            problems.append(f"{where} {locale} is empty")
        if locale in _SCRIPTS and not _SCRIPTS[locale].search(text):
            problems.append(f"{where} {locale} holds no letter of its script: {text!r}")
    return problems


@pytest.mark.parametrize("file", _message_files(), ids=lambda f: f.parent.name)
def test_every_key_of_a_modules_catalog_is_in_every_locale_with_its_placeholders(
    file: Path,
) -> None:
    """Each key of each module's messages.toml has en, fr and ar, all filling the same names."""
    catalog = tomllib.loads(file.read_text("utf-8"))
    assert [] == [problem for key, texts in catalog.items() for problem in gaps(file, texts, key)]


def test_the_merged_catalogs_are_those_of_the_locales_and_the_same_keys_in_each() -> None:
    """No orphan key: every locale's merged catalog has exactly en's keys."""
    catalogs = Application.of().catalogs()
    english = set(catalogs.by_locale["en"])
    assert set(LOCALES) == catalogs.locales
    assert {locale: set() for locale in LOCALES} == {
        locale: set(entries) ^ english for locale, entries in catalogs.by_locale.items()
    }


def test_the_check_names_what_is_missing_and_a_placeholder_lost() -> None:
    """A key without ar, and an fr text that dropped {name}, are both reported."""
    file = Path("src/ossature/modules/localization/messages.toml")
    texts = {"en": "Hello {name}", "fr": "Bonjour", "de": "Hallo {name}"}
    assert [
        "localization/messages.toml [k] has no ar",
        "localization/messages.toml [k] has de, not a locale",
        "localization/messages.toml [k] fr fills set(), en fills {'name'}",
    ] == gaps(file, texts, "k")


def test_an_arabic_text_in_latin_letters_is_reported() -> None:
    """An English text pasted as ar is caught: ar texts hold Arabic letters."""
    texts = {"en": "Hi", "fr": "Salut", "ar": "Hi"}
    assert ["m/messages.toml [k] ar holds no letter of its script: 'Hi'"] == gaps(
        Path("m/messages.toml"), texts, "k"
    )
