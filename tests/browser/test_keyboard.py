"""Every flow of the web app done with the keyboard alone, in one test: Tab reaches each
control a flow needs, typing fills it, Enter (or an arrow on a list) acts. No click and
no address typed after the first page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.blackbox._api import System
from tests.blackbox._up import PASSWORD
from tests.browser._browse import Api, unique
from tests.browser._browser import tab_to
from tests.browser.conftest import ContextIn
from tests.browser.test_support import failed_extract

WAIT = 20_000  # ms: generous, the machine runs the suites side by side


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to `target`, then press `key` on it."""
    tab_to(page, target)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str) -> None:
    """Tab to the field `target`, empty it and type `text`."""
    tab_to(page, target)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def go(page: Page, link: str, path: str) -> None:
    """Follow the header's link named `link` and wait for its page."""
    press(page, page.get_by_role("navigation", name="Main").get_by_role("link", name=link))
    expect(page).to_have_url(re.compile(path), timeout=WAIT)


def test_every_flow_is_done_with_the_keyboard_alone(
    context_in: ContextIn, api: Api, system: System
) -> None:
    who = api.account("en", "tenant-admin", "Global")  # an admin of its own: its language
    as_who = Api(system)  # changes below, no other test's
    as_who.token = as_who._log_in(f"{who}.test")
    failed = failed_extract(as_who)  # a request of theirs that failed (503)
    as_who.close()
    name, renamed = unique("Keyboard"), unique("Keyed")
    page = context_in("en").new_page()

    # Sign in.
    page.goto("/sign-in")
    type_into(page, page.locator("#tenant"), "acme")
    type_into(page, page.locator("#email"), f"{who}.test")
    type_into(page, page.locator("#password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile("/sign-in"), timeout=WAIT)

    # A folder's projects: create, rename, archive, unarchive.
    go(page, "Projects", r"/folders$")
    press(page, page.get_by_role("link", name="France", exact=True).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("France", timeout=WAIT)
    type_into(page, page.locator("#new-name"), name)
    page.keyboard.press("Enter")
    rows = page.locator("#projects-table tbody tr")
    expect(rows.filter(has_text=name)).to_have_count(1, timeout=WAIT)
    type_into(page, page.get_by_label(f"New name of {name}"), renamed)
    page.keyboard.press("Enter")
    expect(rows.filter(has_text=renamed)).to_have_count(1, timeout=WAIT)
    press(page, page.get_by_role("button", name=f"Archive {renamed}"))
    expect(rows.filter(has_text=renamed)).to_contain_text("Archived", timeout=WAIT)
    press(page, page.get_by_role("button", name=f"Unarchive {renamed}"))
    expect(page.get_by_role("button", name=f"Archive {renamed}")).to_be_visible(timeout=WAIT)

    # The project's page and its history, searched.
    press(page, page.get_by_role("link", name=renamed, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(renamed, timeout=WAIT)
    type_into(page, page.locator("#history-search"), name)
    page.keyboard.press("Enter")
    history = page.locator("#history-table tbody tr")
    expect(history).to_have_count(2, timeout=WAIT)  # created as `name`, renamed from it

    # The folder's members: invite.
    press(page, page.get_by_role("link", name="France", exact=True).first)
    press(page, page.get_by_role("link", name="Members"))
    expect(page).to_have_url(re.compile(r"/members$"), timeout=WAIT)
    type_into(page, page.get_by_label("Email"), f"{unique('kb')}@acme.test")
    type_into(page, page.get_by_label("Name"), "Keyboard Invitee")
    press(page, page.get_by_role("button", name="Send the invitation"))
    expect(page.get_by_role("status").first).to_be_visible(timeout=WAIT)

    # The audit log: filtered to denials of no one, then to what was allowed; an entry opened.
    go(page, "Audit log", r"/audit")
    outcome = page.get_by_label("Outcome")
    tab_to(page, outcome)
    page.keyboard.press("ArrowDown")
    press(page, page.get_by_role("button", name="Filter"))
    expect(page).to_have_url(re.compile(r"outcome=allowed"), timeout=WAIT)
    first_entry = page.locator("#audit-results tbody tr a").first
    press(page, first_entry)
    expect(page).to_have_url(re.compile(r"/audit/[0-9A-Z]{26}"), timeout=WAIT)

    # Logins per day over a chosen range.
    go(page, "Logins", r"/analytics/logins")
    tab_to(page, page.get_by_label("From"))
    page.keyboard.type("11012026")
    press(page, page.get_by_role("button", name="Show"))
    expect(page).to_have_url(re.compile(r"from=2026-11-01"), timeout=WAIT)

    # What's new, filtered.
    go(page, "What's new", r"/changelog")
    type_into(page, page.get_by_label("Containing"), "release")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"release"), timeout=WAIT)

    # A problem reported by its reference.
    go(page, "My reports", r"/reports")
    type_into(page, page.locator("#report-reference"), failed)
    type_into(page, page.locator("#report-description"), "The extract fails every night.")
    press(page, page.locator("#report-submit"))
    reports = page.locator("table tbody tr").filter(has_text="run-login-extract")
    expect(reports).to_have_count(1, timeout=WAIT)

    # The language of the account: Arabic, then English again.
    go(page, "Account", r"/account")
    tab_to(page, page.locator("#account-locale"))
    page.keyboard.press("End")
    press(page, page.locator("#language-submit"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl", timeout=WAIT)
    tab_to(page, page.locator("#account-locale"))
    page.keyboard.press("Home")
    press(page, page.locator("#language-submit"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr", timeout=WAIT)

    # Sign out.
    press(page, page.get_by_role("button", name="Sign out"))
    expect(page).to_have_url(re.compile("/sign-in"), timeout=WAIT)
