"""The account pages in a real browser: signing in (with the second step), forgotten and
reset passwords, invitations, email verification, the language, the account page; axe on
each page in en, fr and ar."""

from __future__ import annotations

import re
import time

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.blackbox._api import System, new_ulid
from tests.blackbox._mail import mailed_token_sync
from tests.blackbox._up import PASSWORD
from tests.browser._browser import assert_accessible
from tests.browser.conftest import ContextIn

# pragma: allowlist nextline secret: a throwaway test account's password
ACCOUNT_PASSWORD = "browser-account-password"
# pragma: allowlist nextline secret: a throwaway test account's new password
NEW_PASSWORD = "browser-new-password"
LOCALES = ("en", "fr", "ar")


def _api(system: System, name: str, payload: dict[str, object], token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.post(f"{system.base_url}/{name}", json=payload, headers=headers, timeout=30)
    assert answer.is_success, answer.text
    return dict(answer.json())


def _admin(system: System) -> str:
    body = {"tenant": "acme", "email": "admin@acme.test", "password": PASSWORD}
    return str(_api(system, "commands/log-in", body)["accessToken"])


def _new_account(system: System, locale: str = "en") -> str:
    """A new account of acme with ACCOUNT_PASSWORD and `locale`; its email."""
    email = f"web-{new_ulid()[-10:].lower()}@acme.test"
    body = {"email": email, "displayName": "Web", "password": ACCOUNT_PASSWORD, "locale": locale}
    _api(system, "commands/register-account", body, _admin(system))
    return email


def _sign_in(page: Page, email: str, password: str = ACCOUNT_PASSWORD) -> None:
    page.goto("/sign-in")
    page.locator("#tenant").fill("acme")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#sign-in-submit").click()


def _signed_in(page: Page, email: str, password: str = ACCOUNT_PASSWORD) -> None:
    _sign_in(page, email, password)
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def test_signing_in_and_out_through_the_pages(page: Page, system: System) -> None:
    """Signed in, the account page names the account; signed out, it asks to sign in again."""
    email = _new_account(system)
    _signed_in(page, email)
    page.goto("/account")
    expect(page.locator("main")).to_contain_text(email)

    page.locator("form[action='/sign-out'] button").click()

    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/account$"))


def test_a_wrong_password_is_said_in_french(context_in: ContextIn, system: System) -> None:
    page = context_in("fr").new_page()
    # pragma: allowlist nextline secret: a wrong password, refused
    _sign_in(page, _new_account(system), "not-the-password")

    problem = page.locator("#sign-in-problem")
    expect(problem).to_contain_text("L'adresse e-mail ou le mot de passe est incorrect.")
    expect(page.locator("#email")).to_have_value(re.compile(r"^web-"))  # kept for a retry


def test_two_step_verification_turned_on_then_asked_at_sign_in(page: Page, system: System) -> None:
    """Turned on from the account page (secret shown, a code confirms, ten recovery codes),
    the next sign-in asks for a code; a wrong one is refused, the right one signs in."""
    email = _new_account(system)
    _signed_in(page, email)
    page.goto("/account")
    page.locator("#totp-enroll").click()
    secret = page.locator("#totp-secret").inner_text()
    expect(page.locator("#totp-uri")).to_contain_text("otpauth://totp/")
    totp = pyotp.TOTP(secret)
    page.locator("#confirm-code").fill(totp.now())
    page.locator("#totp-confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery = page.locator("#recovery-codes li").first.inner_text()
    page.locator("form[action='/sign-out'] button").click()

    _sign_in(page, email)
    expect(page.locator("#code")).to_be_visible()
    page.locator("#code").fill("000000" if totp.now() != "000000" else "111111")
    page.locator("#code-submit").click()
    expect(page.locator("#code-problem")).to_contain_text("This code is wrong")
    page.locator("#code").fill(totp.at(time.time() + 30))  # a step after the one used
    page.locator("#code-submit").click()

    expect(page).not_to_have_url(re.compile(r"/sign-in"))
    page.goto("/account")
    expect(page.locator("#totp-state")).to_contain_text("On")
    page.locator("#disable-code").fill(recovery)
    page.locator("#totp-disable").click()
    expect(page.locator("#account-notice")).to_be_visible()
    expect(page.locator("#totp-state")).to_contain_text("Off")


def test_the_password_is_changed_on_the_account_page(page: Page, system: System) -> None:
    """A wrong current password is refused with its message; the right one changes it."""
    email = _new_account(system)
    _signed_in(page, email)
    page.goto("/account")
    # pragma: allowlist nextline secret: a wrong password, refused
    page.locator("#current-password").fill("not-the-password")
    page.locator("#new-password").fill(NEW_PASSWORD)
    page.locator("#password-submit").click()
    expect(page.locator("#account-problem")).to_be_visible()

    page.locator("#current-password").fill(ACCOUNT_PASSWORD)
    page.locator("#new-password").fill(NEW_PASSWORD)
    page.locator("#password-submit").click()

    expect(page.locator("#account-notice")).to_be_visible()
    page.locator("form[action='/sign-out'] button").click()
    _signed_in(page, email, NEW_PASSWORD)


def test_a_forgotten_password_is_reset_by_the_mailed_link(page: Page, system: System) -> None:
    """The same neutral answer, a mail, a new password from its link, then only it signs in."""
    email = _new_account(system)
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    page.locator("#tenant").fill("acme")
    page.locator("#email").fill(email)
    page.locator("#forgot-submit").click()
    expect(page.locator("#forgot-sent")).to_be_visible()

    token = mailed_token_sync(system, email, "/reset-password")
    page.goto(f"/reset-password?token={token}")
    page.locator("#new-password").fill(NEW_PASSWORD)
    page.locator("#password-submit").click()

    expect(page).to_have_url(re.compile(r"/sign-in\?done=reset$"))
    expect(page.locator("#sign-in-notice")).to_be_visible()
    _sign_in(page, email)
    expect(page.locator("#sign-in-problem")).to_be_visible()
    _signed_in(page, email, NEW_PASSWORD)


def test_a_used_or_forged_link_says_why_in_the_users_language(
    context_in: ContextIn, system: System
) -> None:
    page = context_in("fr").new_page()
    page.goto("/reset-password?token=acme.not.a-token")
    page.locator("#new-password").fill(NEW_PASSWORD)
    page.locator("#password-submit").click()

    expect(page.locator("#password-problem")).to_contain_text("Ce lien n'est pas valide.")
    page.goto("/accept-invitation")
    expect(page.locator("main")).to_contain_text("Cette page a besoin du lien")


def test_an_invitation_is_accepted_from_its_mail_then_the_account_signs_in(
    page: Page, system: System
) -> None:
    admin = _admin(system)
    root = next(
        f["folderId"]
        for f in _api(system, "queries/list-folders", {}, admin)["folders"]
        if f["name"] == "Global"
    )
    email = f"invited-{new_ulid()[-10:].lower()}@acme.test"
    body = {"email": email, "displayName": "Invited", "role": "project-viewer", "folderId": root}
    _api(system, "commands/invite-account", body, admin)

    page.goto(f"/accept-invitation?token={mailed_token_sync(system, email, '/accept-invitation')}")
    page.locator("#new-password").fill(NEW_PASSWORD)
    page.locator("#password-submit").click()

    expect(page).to_have_url(re.compile(r"/sign-in\?done=invitation$"))
    _signed_in(page, email, NEW_PASSWORD)


def test_an_email_is_verified_from_its_mailed_link(page: Page, system: System) -> None:
    email = _new_account(system)
    body = {"tenant": "acme", "email": email, "password": ACCOUNT_PASSWORD}
    token = str(_api(system, "commands/log-in", body)["accessToken"])
    _api(system, "commands/request-email-verification", {}, token)

    page.goto(f"/verify-email?token={mailed_token_sync(system, email, '/verify-email')}")
    page.locator("#verify-submit").click()

    expect(page.locator("#verify-done")).to_contain_text(email)


def test_arabic_chosen_on_the_account_page_is_the_accounts_from_then_on(
    context_in: ContextIn, system: System
) -> None:
    """The page turns right to left at once; another browser (in English) signing in as the
    account gets Arabic too: it is the account's language, not this browser's."""
    email = _new_account(system)
    page = context_in("en").new_page()
    _signed_in(page, email)
    page.goto("/account")
    page.locator("#account-locale").select_option("ar")
    page.locator("#language-submit").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#account-notice")).to_be_visible()

    other = context_in("en").new_page()
    _signed_in(other, email)
    other.goto("/account")

    expect(other.locator("html")).to_have_attribute("lang", "ar")
    expect(other.locator("html")).to_have_attribute("dir", "rtl")


def test_a_personal_access_token_is_made_shown_once_and_revoked(page: Page, system: System) -> None:
    _signed_in(page, _new_account(system))
    page.goto("/account")
    expect(page.locator("#tokens-none")).to_be_visible()
    page.locator("#token-name").fill("ci")
    page.locator("#token-create").click()
    token = page.locator("#token-value").inner_text()
    listed = httpx.post(
        f"{system.base_url}/queries/list-folders",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    page.goto("/account")
    page.get_by_role("button", name="Revoke ci").click()

    expect(page.locator("#account-notice")).to_be_visible()
    refused = httpx.post(
        f"{system.base_url}/queries/list-folders",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (True, 401) == (token.startswith("oss_pat_"), refused.status_code)
    assert 200 == listed.status_code


def test_an_account_is_forgotten_from_its_own_page_and_signs_in_no_more(
    page: Page, system: System
) -> None:
    """The box must be ticked; then the session ends, the sign-in page says it is done, and
    the old email and password are refused as an unknown email is."""
    email = _new_account(system)
    _signed_in(page, email)
    page.goto("/account")

    page.get_by_label("I understand that my account will be forgotten for good.").check()
    page.locator("#forget-submit").click()

    expect(page.locator("p[role=status]")).to_have_text("Your account is forgotten.")
    _sign_in(page, email)
    expect(page.locator("[role=alert]")).to_contain_text("The email or the password is wrong.")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_account_page_is_accessible(
    locale: str, context_in: ContextIn, system: System
) -> None:
    """axe finds nothing on each page, signed out (the browser's language) and signed in
    (the account's), in each language."""
    page = context_in(locale).new_page()
    for path in (
        "/sign-in",
        "/forgot-password",
        "/reset-password?token=acme.x.y",
        "/reset-password",
        "/accept-invitation?token=acme.x.y",
        "/verify-email?token=acme.x.y",
    ):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        assert_accessible(page)
    # pragma: allowlist nextline secret: a wrong password, refused
    _sign_in(page, "nobody@acme.test", "not-the-password")
    expect(page.locator("#sign-in-problem")).to_be_visible()
    assert_accessible(page)
    _signed_in_pages_are_accessible(page, _new_account(system, locale))


def _signed_in_pages_are_accessible(page: Page, email: str) -> None:
    _signed_in(page, email)
    page.goto("/account")
    assert_accessible(page)
    page.locator("#totp-enroll").click()
    secret = page.locator("#totp-secret").inner_text()
    page.locator("#confirm-code").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "1")
    page.locator("#totp-confirm").click()
    expect(page.locator("#totp-problem")).to_be_visible()
    assert_accessible(page)
    page.locator("#confirm-code").fill(pyotp.TOTP(secret).now())
    page.locator("#totp-confirm").click()
    expect(page.locator("#recovery-codes")).to_be_visible()
    assert_accessible(page)
    page.locator("form[action='/sign-out'] button").click()
    _sign_in(page, email)
    expect(page.locator("#code")).to_be_visible()
    assert_accessible(page)
    page.locator("#recovery-code").fill("not-a-recovery-code")
    page.locator("#code-submit").click()
    expect(page.locator("#code-problem")).to_be_visible()
    assert_accessible(page)
    page.locator("#code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.locator("#recovery-code").fill("")
    page.locator("#code-submit").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))
    page.goto("/account")
    page.locator("#token-name").fill("axe")
    page.locator("#token-create").click()
    expect(page.locator("#token-value")).to_be_visible()
    assert_accessible(page)


def _tab_to(page: Page, selector: str, presses: int = 40) -> None:
    """Press Tab until the element `selector` matches has the focus (failing after `presses`)."""
    focused = "selector => document.activeElement && document.activeElement.matches(selector)"
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(focused, selector):
            return
    raise AssertionError(f"{selector} is not reached with the Tab key")


def test_signing_in_and_out_with_the_keyboard_alone(page: Page, system: System) -> None:
    """Tab reaches each field and the button in order; Enter submits; sign-out too."""
    email = _new_account(system)
    page.goto("/sign-in")
    _tab_to(page, "#tenant")
    page.keyboard.type("acme")
    page.keyboard.press("Tab")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(ACCOUNT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/sign-in"))

    page.goto("/account")
    _tab_to(page, "form[action='/sign-out'] button")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_the_account_pages_work_without_javascript(browser: Browser, system: System) -> None:
    """Sign-in, the account page's language form and sign-out are plain forms: a browser with
    JavaScript off goes through them all."""
    context = browser.new_context(base_url=system.base_url, java_script_enabled=False)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        _signed_in(page, _new_account(system))
        page.goto("/account")
        page.locator("#account-locale").select_option("fr")
        page.locator("#language-submit").click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("#account-notice")).to_have_text("Votre langue est enregistrée.")
        page.locator("form[action='/sign-out'] button").click()
        expect(page).to_have_url(re.compile(r"/sign-in"))
    finally:
        context.close()
