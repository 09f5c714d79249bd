"""The web app's plans and billing parts alone: Money drawn per locale from minor units, an
amount typed per locale read back exactly, the nav read from the server's capabilities and
actions, the usage roll-up's tree order, and the requirements panel's ways."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from ossature.web._abilities import Abilities, NavItem, Needs, nav_entries
from ossature.web._i18n import format_money
from ossature.web.app import terms_version
from ossature.web.pages import operator
from ossature.web.pages.billing import cycle_span, in_tree_order
from ossature.web.pages.operator import feature_value, minor_units
from ossature.web.paths import TEMPLATES
from tests.unit.web._components import ENV, one, text, tree

EUR_29 = {"amount": 2900, "currency": "EUR"}


def test_money_is_drawn_in_each_locale_from_its_minor_units() -> None:
    """29 EUR as en, fr and ar write it: symbol side, decimal mark, no-break space, ar's
    right-to-left mark."""
    assert {
        "en": "€29.00",
        "fr": "29,00\xa0€",
        "ar": "\u200f29.00\xa0€",
    } == {locale: format_money(EUR_29, locale) for locale in ("en", "fr", "ar")}


def test_money_follows_its_currencys_digits_and_sign() -> None:
    """A currency without minor units (JPY) is not divided by 100; a credit is negative; a
    large amount is grouped, and no float rounds its last cent."""
    assert ("¥1,500", "-1,50\xa0€", "€90,071,992,547,409.93") == (
        format_money({"amount": 1500, "currency": "JPY"}, "en"),
        format_money({"amount": -150, "currency": "EUR"}, "fr"),
        format_money({"amount": 9007199254740993, "currency": "EUR"}, "en"),
    )


@pytest.mark.parametrize(
    ("typed", "locale", "currency", "minor"),
    [
        ("12.50", "en", "EUR", 1250),
        ("12,50", "fr", "EUR", 1250),
        ("1 234,5", "fr", "EUR", 123450),
        ("1,234.5", "en", "EUR", 123450),
        ("1500", "en", "JPY", 1500),
        ("0.001", "en", "EUR", None),
        ("12.5", "en", "JPY", None),
        ("twelve", "en", "EUR", None),
        ("", "en", "EUR", None),
    ],
)
def test_an_amount_typed_in_the_users_locale_is_read_in_minor_units_exactly(
    typed: str, locale: str, currency: str, minor: int | None
) -> None:
    """Babel reads the locale's marks; more decimals than the currency has is no amount."""
    assert minor == minor_units(typed, currency, locale)


def test_a_features_value_is_typed_as_the_feature_is() -> None:
    """A switch is true or false; a number that is not one is refused before sending."""
    assert (True, False, 42, None, "gold") == (
        feature_value("bool", "true"),
        feature_value("bool", "false"),
        feature_value("int", " 42 "),
        feature_value("int", "4 2"),
        feature_value("str", "gold"),
    )


NAV = [
    NavItem("/folders", "base.nav-projects"),
    NavItem("/analytics/logins", "base.nav-logins", Needs(module="analytics")),
    NavItem("/billing", "base.nav-billing", Needs(action="billing.read")),
]


def test_the_nav_greys_a_module_the_tenant_has_not_got_and_hides_what_the_user_may_not() -> None:
    """globex without analytics sees Logins unavailable; an editor, no Billing."""
    capabilities = {"plan": "starter", "modules": {"analytics": False, "projects": True}}
    entries = nav_entries(NAV, Abilities(capabilities, frozenset({"folders.read"})))
    assert [("/folders", True), ("/analytics/logins", False)] == [
        (entry["path"], entry["available"]) for entry in entries
    ]


def test_the_nav_shows_everything_the_server_allows() -> None:
    """A tenant with analytics, an admin who may read billing: all drawn, all available."""
    abilities = Abilities({"modules": {"analytics": True}}, frozenset({"billing.read"}))
    assert [True, True, True] == [entry["available"] for entry in nav_entries(NAV, abilities)]


def test_without_the_servers_answers_nothing_is_greyed_and_nothing_gated_is_shown() -> None:
    """Capabilities unknown (an older server): no module is greyed, no action assumed."""
    assert ["/folders", "/analytics/logins"] == [
        entry["path"] for entry in nav_entries(NAV, Abilities())
    ]
    assert ["/folders", "/analytics/logins"] == [entry["path"] for entry in nav_entries(NAV, None)]


def test_a_feature_is_had_only_when_the_server_says_it_is_on() -> None:
    abilities = Abilities({"modules": {"analytics": True}, "features": {"x.y": False}})
    assert (True, False) == (
        abilities.has(Needs(module="analytics")),
        abilities.has(Needs(module="analytics", feature="x.y")),
    )


def test_the_usage_roll_up_is_drawn_in_tree_order_with_depths() -> None:
    """Each folder under its parent; a folder whose parent is not listed is a root."""
    rows = [
        {"key": "fr", "name": "France", "count": 3, "parentId": "eu"},
        {"key": "g", "name": "Global", "count": 5, "parentId": None},
        {"key": "us", "name": "US", "count": 2, "parentId": "g"},
        {"key": "eu", "name": "EU", "count": 3, "parentId": "g"},
        {"key": "lost", "name": "Branch", "count": 1, "parentId": "hidden"},
    ]
    assert [("Global", 0), ("US", 1), ("EU", 1), ("France", 2), ("Branch", 0)] == [
        (row["name"], row["depth"]) for row in in_tree_order(rows)
    ]


def test_this_cycles_span_runs_from_the_first_of_the_month_past_today() -> None:
    assert ("2026-12-01", "2026-12-05") == cycle_span(datetime(2026, 12, 4, 23, 59, tzinfo=UTC))
    assert ("2027-01-01", "2027-01-02") == cycle_span(datetime(2027, 1, 1, 0, 0, tzinfo=UTC))


def test_the_terms_version_is_read_from_the_requirement() -> None:
    """Its version when given, else its signed-terms entitlement's, else its id's."""
    assert ("2027-01", "2026-12", "2026-11") == (
        terms_version({"id": "accepted-terms:x", "version": "2027-01"}),
        terms_version({"id": "a", "satisfiedBy": ["other", "signed-terms:2026-12"]}),
        terms_version({"id": "accepted-terms:2026-11", "satisfiedBy": []}),
    )


def _panel(unmet: list[dict[str, object]], here: str = "/folders/F1") -> str:
    source = '{% from "components/problem.html" import problem_panel with context %}{{ problem_panel(error) }}'
    error = {
        "message_key": "access.requirement-unmet",
        "message_params": {"requirements": "x", "unmet": unmet},
        "invocation_id": None,
    }
    return ENV.from_string(source).render(error=error, here=here)


def test_a_requirement_refusal_lists_each_requirement_with_its_way() -> None:
    """Terms to accept link to their page and back here; a verification and a second factor
    to the account page; a requirement without a flow names what satisfies it."""
    root = tree(
        _panel(
            [
                {
                    "id": "accepted-terms:2026-12",
                    "satisfiedBy": ["signed-terms:2026-12"],
                    "flow": "accept-terms",
                },
                {"id": "verified-email", "satisfiedBy": ["email-verified"], "flow": "verify-email"},
                {"id": "mfa-enabled", "satisfiedBy": ["mfa-enrolled"], "flow": "enroll-totp"},
                {"id": "audited", "satisfiedBy": ["soc2", "iso"], "flow": None},
            ]
        )
    )
    items = one(root, ".//ul[@id='problem-requirements']").findall("li")
    links = [item.find("a") for item in items[:3]]
    assert [
        "/terms/2026-12?next=%2Ffolders%2FF1",
        "/account#email-title",
        "/account#totp-title",
    ] == [link.get("href") for link in links if link is not None]
    assert "read and accept the terms of service (2026-12)" in text(items[0])
    assert ["soc2", "iso"] == [code.text for code in items[3].findall("code")][1:]


def test_a_refusal_without_unmet_requirements_draws_no_list() -> None:
    assert tree(_panel([])).find(".//ul[@class='requirements']") is None


def test_every_form_of_the_back_office_posts_to_a_route_of_its_area() -> None:
    """A form whose action no route takes would answer 404 when used."""
    posted = {
        re.sub(r"\{\w+\}", "*", route.path)
        for route in operator.ROUTES
        if "POST" in (getattr(route, "methods", None) or ())
    }
    source = (TEMPLATES / "pages" / "operator" / "tenant.html").read_text()
    actions = {
        "/operator/tenants/*" + tail
        for tail in re.findall(r'action="\{\{ base \}\}([^"]*)"', source)
    }
    assert len(actions) == 6
    assert set() == actions - posted
