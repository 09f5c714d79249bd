"""Every catalog is complete in every locale: a key missing from one, or a translation that
lost or gained a {placeholder}, fails here and names the file, the key and the locale."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ossature.kernel.i18n import LOCALES
from ossature.runtime.application import Application
from tests.unit.translations import gaps


def _message_files() -> list[Path]:
    return [m.messages for m in Application.of().modules if m.messages is not None]


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


def test_a_name_the_same_in_every_locale_is_not_reported() -> None:
    """A language's own name, written alike in en, fr and ar, is a name, not a gap."""
    texts = {"en": "Français", "fr": "Français", "ar": "Français"}
    assert [] == gaps(Path("web/base.toml"), texts, "base.language-fr")
