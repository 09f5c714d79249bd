"""Message catalogs and locale negotiation."""

from ossature.kernel.errors import DomainError
from ossature.kernel.i18n import LOCALES, Catalogs, direction, negotiate
from ossature.runtime.application import Application


def test_the_actors_locale_wins_then_accept_language_then_english() -> None:
    """Locale order: the actor's, the best Accept-Language match, then en."""
    available = frozenset({"en", "fr"})
    chosen = [
        negotiate(available, "fr", "en"),
        negotiate(available, None, "de, fr;q=0.8"),
        negotiate(available, "de", "es"),
    ]
    assert ["fr", "fr", "en"] == chosen


def test_a_message_is_rendered_with_its_parameters() -> None:
    """A key renders in the locale, its placeholders filled; an unknown key renders as itself."""
    catalogs = Catalogs({"en": {"k": "Hello {name}"}, "fr": {"k": "Bonjour {name}"}})
    assert ["Bonjour Ada", "other"] == [
        catalogs.render("fr", "k", {"name": "Ada"}),
        catalogs.render("fr", "other", {}),
    ]


def _error_classes(base: type[DomainError]) -> list[type[DomainError]]:
    return [base] + [c for sub in base.__subclasses__() for c in _error_classes(sub)]


def test_every_key_the_code_answers_with_is_in_the_catalogs() -> None:
    """Each error class's key and each notice's key has a message (in en, so in every locale: tests/unit/test_translations.py)."""
    app = Application.of()
    used = {error.key for error in _error_classes(DomainError)} | {
        notice.message_key for module in app.modules for notice in module.notices
    }
    assert set() == used - set(app.catalogs().by_locale["en"])


def test_arabic_runs_right_to_left_and_the_other_locales_left_to_right() -> None:
    """`direction` gives what an HTML root's dir attribute takes."""
    assert {"en": "ltr", "fr": "ltr", "ar": "rtl", "de": "ltr"} == {
        locale: direction(locale) for locale in ("en", "fr", "ar", "de")
    }


def test_a_browser_asking_for_arabic_gets_arabic() -> None:
    """ar-EG in Accept-Language picks ar, over a lower-weighted fr."""
    assert "ar" == negotiate(frozenset(LOCALES), None, "fr;q=0.4, ar-EG")
