"""The web app's catalogs are complete in every locale, every key a page asks for is in
them, and dates and numbers are formatted by Babel for each locale: no raw key and no
English word reach a French or Arabic page from a catalog."""

from __future__ import annotations

import ast
import re
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ossature.kernel.i18n import LOCALES
from ossature.web import _i18n
from ossature.web._i18n import Catalog, format_day, format_moment, format_number, locale_of
from ossature.web.pages import NAV
from ossature.web.paths import HERE, MESSAGES
from tests.unit.translations import gaps

# t("area.name") in a template, view.t("area.name") or catalog.text(locale, "area.name") in
# Python; a key built at run time (t("base.language-" ~ code)) is matched by its prefix.
_ASKED = re.compile(r"""(?:\bt|\.text\(\s*\w+,)\(?\s*["']([a-z][\w-]*\.[\w.-]+)["']\s*(~?)""")


_KEY_NAME = re.compile(r"[a-z][\w.-]*")
_FILE_NAMES = (".html", ".toml", ".py", ".js", ".css")


def _files() -> list[Path]:
    return sorted(MESSAGES.rglob("*.toml"))


def _asked() -> list[tuple[str, bool]]:
    """Every literal key the templates and the Python of the web app ask for, and whether it
    is only a prefix."""
    sources = [*HERE.rglob("*.html"), *HERE.rglob("*.py")]
    return sorted(
        {
            (key, bool(prefix))
            for path in sources
            for key, prefix in _ASKED.findall(path.read_text())
        }
    )


def test_the_web_app_speaks_the_servers_locales() -> None:
    """The web's locales are the kernel's: a locale added to one is added to both."""
    assert LOCALES == _i18n.LOCALES


@pytest.mark.parametrize("file", _files(), ids=lambda f: f.name)
def test_every_key_of_a_web_catalog_is_in_every_locale_with_its_placeholders(file: Path) -> None:
    """Each key of each catalog file (any area, any file added later) has en, fr and ar,
    filling the same {placeholders}, ar in Arabic letters unless it is a name."""
    catalog = tomllib.loads(file.read_text("utf-8"))
    assert [] == [problem for key, texts in catalog.items() for problem in gaps(file, texts, key)]


def test_every_catalog_file_is_read_by_the_web_app() -> None:
    """A file the loader does not read (another folder, another form) would be dead text."""
    in_files = {key for file in _files() for key in tomllib.loads(file.read_text("utf-8"))}
    assert in_files == set(Catalog.load().entries)


def _python_keys(areas: set[str]) -> set[str]:
    """Every string of the web app's Python that looks like a key of one of the catalog's
    areas (`("/folders", "base.nav-projects")`, `title="browse.title"`)."""
    return {
        node.value
        for path in HERE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _looks_like_key(node.value, areas)
    }


def _looks_like_key(value: str, areas: set[str]) -> bool:
    area, dot, name = value.partition(".")
    return bool(dot and area in areas and _KEY_NAME.fullmatch(name)) and not value.endswith(
        _FILE_NAMES
    )


def test_every_key_named_in_the_web_apps_python_is_in_the_catalog() -> None:
    """The nav's keys and any key a handler hands to a template exist."""
    keys = set(Catalog.load().entries)
    named = _python_keys({key.split(".")[0] for key in keys})
    assert {item.key for item in NAV} <= named
    assert set() == named - keys


def test_every_key_a_page_asks_for_is_in_the_catalog() -> None:
    """No raw `area.name` reaches a page: each key the templates and handlers name exists
    (for a key built at run time, some key with its prefix)."""
    keys = set(Catalog.load().entries)
    asked = _asked()
    missing = [
        key
        for key, prefix in asked
        if not (any(k.startswith(key) for k in keys) if prefix else key in keys)
    ]
    assert len(asked) > 20
    assert [] == missing


DAY = date(2026, 12, 3)
MOMENT = datetime(2026, 12, 3, 21, 5, tzinfo=UTC)


def test_dates_are_formatted_for_each_locale() -> None:
    """Babel's medium forms: the month named in en and fr; ar numeric, each separator
    marked right to left (U+200F), the evening marked م."""
    assert {
        "en": ("Dec 3, 2026", "Dec 3, 2026, 9:05:00\u202fPM"),
        "fr": ("3 déc. 2026", "3 déc. 2026, 21:05:00"),
        "ar": ("03\u200f/12\u200f/2026", "03\u200f/12\u200f/2026، 9:05:00 م"),
    } == {locale: (format_day(DAY, locale), format_moment(MOMENT, locale)) for locale in LOCALES}


def test_numbers_are_formatted_for_each_locale() -> None:
    """Grouping and decimal marks per locale; Babel's ar writes Western digits (its data's
    default numbering system for ar is latn), not Arabic-Indic ones."""
    assert {
        "en": "1,234,567.891",
        "fr": "1\u202f234\u202f567,891",
        "ar": "1,234,567.891",
    } == {locale: format_number(1234567.891, locale) for locale in LOCALES}


def test_a_day_given_as_text_is_formatted_as_the_same_day() -> None:
    """The server's ISO strings (days, moments) are formatted as the values they name."""
    assert (format_day(DAY, "ar"), format_moment(MOMENT, "fr")) == (
        format_day("2026-12-03", "ar"),
        format_moment("2026-12-03T21:05:00+00:00", "fr"),
    )


def test_the_browser_language_of_highest_weight_wins() -> None:
    """Accept-Language is read by q-value, not by position; q=0 refuses a language."""
    assert ["fr", "ar", "en", "en"] == [
        locale_of(None, None, header)
        for header in ("ar-SA;q=0.2, fr;q=0.9", "ar-EG, fr;q=0.5", "ar;q=0, de", "fr;q=x")
    ]
