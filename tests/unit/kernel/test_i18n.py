"""Message catalogs and locale negotiation."""

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
