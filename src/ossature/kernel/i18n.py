"""Message catalogs: the server speaks in keys; catalogs turn them into words per locale."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal, get_args

__all__ = ["FALLBACK_LOCALE", "LOCALES", "Catalogs", "Locale", "direction", "negotiate"]

Locale = Literal["en", "fr", "ar"]
"""A locale an account may have: every catalog is complete in each (a test checks it)."""

LOCALES: tuple[Locale, ...] = get_args(Locale)
FALLBACK_LOCALE: Locale = "en"
_RIGHT_TO_LEFT = frozenset({"ar"})


def direction(locale: str) -> Literal["ltr", "rtl"]:
    """The direction a locale's text runs in: `rtl` for Arabic, `ltr` for the others."""
    return "rtl" if locale in _RIGHT_TO_LEFT else "ltr"


class Catalogs:
    """Every module's catalogs, merged per locale."""

    def __init__(self, by_locale: Mapping[str, Mapping[str, str]]) -> None:
        self.by_locale = {locale: dict(entries) for locale, entries in by_locale.items()}

    @classmethod
    def load(cls, files: Iterable[Path]) -> Catalogs:
        """Merge message files: TOML tables, one per key, with the text in each locale
        (`["projects.archived"]`, then `en = "…"`, `fr = "…"`)."""
        merged: dict[str, dict[str, str]] = {}
        for file in files:
            for key, texts in tomllib.loads(file.read_text("utf-8")).items():
                for locale, text in texts.items():
                    merged.setdefault(locale, {})[key] = text
        return cls(merged)

    @property
    def locales(self) -> frozenset[str]:
        """The locales with a catalog."""
        return frozenset(self.by_locale)

    def catalog(self, locale: str) -> dict[str, str]:
        """A locale's catalog, completed by the fallback locale's entries."""
        return {**self.by_locale.get(FALLBACK_LOCALE, {}), **self.by_locale.get(locale, {})}

    def render(self, locale: str, key: str, params: Mapping[str, object]) -> str:
        """The message for `key` in `locale`, its {placeholders} filled; the key when unknown."""
        template = self.catalog(locale).get(key, key)
        try:
            return template.format_map({k: str(v) for k, v in params.items()})
        except (KeyError, ValueError, IndexError):
            return template


def negotiate(available: frozenset[str], actor_locale: str | None, accept: str | None) -> str:
    """The actor's locale, else the best of Accept-Language, else the fallback."""
    if actor_locale in available:
        return actor_locale
    for candidate in _accepted(accept or ""):
        if candidate in available:
            return candidate
    return FALLBACK_LOCALE


def _accepted(header: str) -> list[str]:
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag:
            weighted.append((weight, tag.split("-")[0].lower()))
    return [tag for _, tag in sorted(weighted, key=lambda item: -item[0])]
