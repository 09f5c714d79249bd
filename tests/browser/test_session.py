"""Signing in and out in a browser; the session cookie; the page's language and headers."""

from __future__ import annotations

import base64
import re

from playwright.sync_api import Page, expect

from tests.blackbox._up import PASSWORD
from tests.browser._browser import assert_accessible, sign_in
from tests.browser.conftest import ContextIn


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back_where_they_were(page: Page) -> None:
    page.goto("/folders")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/folders$"))
    page.locator("#tenant").fill("acme")
    page.locator("#email").fill("admin@acme.test")
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/sign-in'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/folders$"))


def test_the_session_cookie_is_sealed_http_only_and_same_site_lax(page: Page) -> None:
    sign_in(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "ossature_session")
    assert (True, "Lax") == (cookie["httpOnly"], cookie["sameSite"])
    # Sealed: neither a token (a JWT has dots) nor the session's JSON, plain or only encoded
    # (a sealed value is random base64url, so it may hold "eyJ" by chance: not a test)
    value = cookie["value"]
    decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    assert (False, False, False) == (
        "." in value,
        "access_token" in value,
        b"access_token" in decoded,
    )


def test_a_wrong_password_is_said_in_the_browser_s_language(context_in: ContextIn) -> None:
    page = context_in("fr").new_page()
    page.goto("/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("#tenant").fill("acme")
    page.locator("#email").fill("admin@acme.test")
    # pragma: allowlist nextline secret: a wrong password, refused
    page.locator("#password").fill("not-the-password")
    page.locator("form[action='/sign-in'] button[type=submit]").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    assert re.search(r"[éèàç]|mot de passe|identifiants", alert.inner_text(), re.IGNORECASE)
    assert "identity." not in alert.inner_text()


def test_the_language_chosen_before_signing_in_is_kept(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Language").select_option("ar")
    page.locator("form.language button").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")


def test_a_form_posted_without_its_csrf_secret_is_refused(page: Page) -> None:
    sign_in(page)
    answer = page.request.post("/sign-out", form={"csrf": "forged"})
    assert 403 == answer.status
    page.goto("/")
    expect(page).not_to_have_url(re.compile(r"/sign-in"))  # still signed in


def test_pages_forbid_framing_and_inline_script(page: Page) -> None:
    answer = page.goto("/sign-in")
    assert answer is not None
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy


def test_the_sign_in_page_is_accessible_in_every_language(context_in: ContextIn) -> None:
    for locale in ("en", "fr", "ar"):
        page = context_in(locale).new_page()
        page.goto("/sign-in")
        expect(page.locator("html")).to_have_attribute("lang", locale)
        assert_accessible(page)
