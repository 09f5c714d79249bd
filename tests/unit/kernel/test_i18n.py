"""Message catalogs and locale negotiation."""

from ossature.kernel.errors import DomainError
from ossature.kernel.i18n import Catalogs, negotiate
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


def test_every_english_key_has_a_french_translation() -> None:
    """The shipped catalogs cover the same keys in en and fr."""
    catalogs = Application.of().catalogs()
    assert set(catalogs.by_locale["en"]) == set(catalogs.by_locale["fr"])


def _error_classes(base: type[DomainError]) -> list[type[DomainError]]:
    return [base] + [c for sub in base.__subclasses__() for c in _error_classes(sub)]


def test_every_key_the_code_answers_with_is_in_the_catalogs() -> None:
    """Each error class's key and each notice's key has a message (in en, so in fr too)."""
    app = Application.of()
    used = {error.key for error in _error_classes(DomainError)} | {
        notice.message_key for module in app.modules for notice in module.notices
    }
    assert set() == used - set(app.catalogs().by_locale["en"])
