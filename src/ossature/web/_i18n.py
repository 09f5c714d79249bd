"""The web app's languages: which one a request gets, its strings, its dates and numbers.

Every string the pages show is a key of a catalog, `messages/<area>.toml`, in the modules'
form (decision 26): `["area.name"]` then one line per locale. The server's own messages
(problems' `messageKey`s, notifications) come from its catalog, asked once per locale with
`get-message-catalog`. Dates and numbers are formatted by Babel for the locale.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, get_currency_precision

from ossature.web.paths import MESSAGES

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "Catalog",
    "direction",
    "fill",
    "format_day",
    "format_moment",
    "format_money",
    "format_number",
    "locale_of",
]

LOCALES = ("en", "fr", "ar")
DEFAULT_LOCALE = "en"


class Catalog:
    """Every UI string in every locale, merged from the catalog files of all page areas."""

    def __init__(self, entries: Mapping[str, Mapping[str, str]]) -> None:
        self.entries = {key: dict(texts) for key, texts in entries.items()}

    @classmethod
    def load(cls, folder: Path = MESSAGES) -> Catalog:
        entries: dict[str, dict[str, str]] = {}
        for path in sorted(folder.glob("*.toml")):
            for key, texts in tomllib.loads(path.read_text()).items():
                if key in entries:
                    raise ValueError(f"{path.name}: {key} is already in another catalog")
                entries[key] = texts
        return cls(entries)

    def text(self, locale: str, key: str, params: Mapping[str, object] | None = None) -> str:
        """The string for `key` in `locale` (else in English), its {placeholders} filled; the
        key itself when no catalog has it (tests/unit/web/test_catalogs.py keeps that from
        reaching a page)."""
        texts = self.entries.get(key)
        if texts is None:
            return key
        return fill(texts.get(locale) or texts[DEFAULT_LOCALE], params or {})


def fill(template: str, params: Mapping[str, object]) -> str:
    """`template` with its {placeholders} filled; unchanged when a parameter is missing."""
    try:
        return template.format_map({name: str(value) for name, value in params.items()})
    except (KeyError, IndexError, ValueError):
        return template


def locale_of(account_locale: str | None, chosen: str | None, accept_language: str) -> str:
    """The account's locale, else the one chosen on this browser, else the browser's
    Accept-Language, else English."""
    for candidate in (account_locale, chosen):
        if candidate in LOCALES:
            return candidate
    return negotiate_locale(_by_weight(accept_language), LOCALES, sep="-") or DEFAULT_LOCALE


def _by_weight(accept_language: str) -> list[str]:
    """The header's language tags, the most wanted first (q=1 when not given; q=0 means
    "not this one"), in the header's order among equals."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = (piece.strip() for piece in part.partition(";"))
        try:
            weight = float(params[2:]) if params.startswith("q=") else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            weighted.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def direction(locale: str) -> str:
    """ "rtl" for a language written right to left (Arabic), else "ltr"."""
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


def format_day(value: date | str, locale: str) -> str:
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, format="medium", locale=locale)


def format_moment(value: datetime | str | int, locale: str) -> str:
    """A moment: a datetime, an ISO string or seconds since the epoch (UTC)."""
    if isinstance(value, int):
        value = datetime.fromtimestamp(value, UTC)
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(moment, format="medium", locale=locale)


def format_number(value: float, locale: str) -> str:
    return format_decimal(value, locale=locale)


def format_money(money: Mapping[str, object], locale: str) -> str:
    """Money as the wire carries it, `{amount: <int minor units>, currency}`, in the locale's
    form ("€29.00", "29,00 €"): the integer is scaled by the currency's ISO 4217 digits as a
    Decimal, never through a float."""
    currency = str(money["currency"])
    amount = Decimal(int(str(money["amount"]))).scaleb(-get_currency_precision(currency))
    return format_currency(amount, currency, locale=locale)
