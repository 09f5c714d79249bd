"""The account area's forms and routes agree, and its strings are in every language."""

from __future__ import annotations

import re
import tomllib

from ossature.web.pages import account
from ossature.web.paths import MESSAGES, TEMPLATES


def test_every_form_of_the_account_pages_posts_to_a_route_of_the_area() -> None:
    """A form whose action no route takes would answer 404 when used."""
    posted = {
        (route.path)
        for route in account.ROUTES
        if "POST" in (getattr(route, "methods", None) or ())
    }
    actions = {
        action
        for template in (TEMPLATES / "pages" / "account").glob("*.html")
        for action in re.findall(r'<form[^>]*action="(/[^"{]*)"', template.read_text())
        if action != "/sign-out"  # the session area's
    }
    assert set() == actions - posted


def test_every_string_of_the_area_is_in_en_fr_and_ar() -> None:
    catalog = tomllib.loads((MESSAGES / "account.toml").read_text())
    assert {} == {
        key: set(texts) for key, texts in catalog.items() if set(texts) != {"en", "fr", "ar"}
    }


def test_every_string_the_templates_ask_for_is_in_the_catalog() -> None:
    catalog = tomllib.loads((MESSAGES / "account.toml").read_text())
    asked = {
        key
        for template in (TEMPLATES / "pages" / "account").glob("*.html")
        for key in re.findall(r't\("(account\.[a-z0-9-]+)"[,)]', template.read_text())
    }
    assert set() == asked - set(catalog)
