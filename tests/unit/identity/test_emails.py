"""Email normalization (decision 45): NFKC, lower case, aliases kept, one address or none."""

from __future__ import annotations

import pytest

from ossature.modules.identity.errors import EmailInvalid
from ossature.modules.identity.fields import normalize_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Alice@Example.COM", "alice@example.com"),
        ("\uff2a\uff4f\uff48\uff4e@\uff45\uff58ample.com", "john@example.com"),  # fullwidth
        ("re\u0301mi@example.fr", "r\u00e9mi@example.fr"),  # e + accent, composed
        ("Ren\u00c9@example.fr", "ren\u00e9@example.fr"),
        ("alice+billing@example.com", "alice+billing@example.com"),
        ("stra\u00dfe@example.de", "stra\u00dfe@example.de"),  # ß is not ss
    ],
)
def test_an_email_is_stored_in_one_form(typed: str, stored: str) -> None:
    assert stored == normalize_email(typed)


def test_a_plus_alias_is_another_address() -> None:
    assert normalize_email("alice+x@example.com") != normalize_email("alice@example.com")


def test_the_same_address_typed_two_ways_is_one() -> None:
    assert normalize_email("ALICE@example.com") == normalize_email("alice@EXAMPLE.com")


@pytest.mark.parametrize("typed", ["a\ufe6bb@example.com", "alice@example.com\n", "a@b\u3000c"])
def test_an_address_that_normalizes_into_no_address_is_refused(typed: str) -> None:
    """A small `﹫` becomes `@`; a trailing newline or an ideographic space is no address."""
    with pytest.raises(EmailInvalid):
        normalize_email(typed)
