"""Every flow of the web app done with the keyboard alone, in one test: Tab reaches each
control a flow needs, typing fills it, Enter (or an arrow on a list) acts. No click and
no address typed after the first page."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Locator, Page, expect

from tests.blackbox._api import System
from tests.blackbox._up import PASSWORD
from tests.browser._browse import Api, unique
from tests.browser._browser import tab_to
from tests.browser.conftest import ContextIn
from tests.browser.test_support import Operator

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
    source = unique("keyboard-source")  # a source whose file is missing: its extract fails
    api.call("commands", "accept-terms", {"version": "2026-12"})  # analytics asks for them
    api.call(
        "commands",
        "configure-login-source",
        {
            "name": source,
            "kind": "sqlite",
            "location": f"sources/{source}-never-there.sqlite3",
            "schedule": "0 3 1 1 *",
        },
    )
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

    # A source extracted now: refused for the terms, accepted from the panel's link, back on
    # the same page, extracted again: its own failure (503), the request reported below.
    extract = page.get_by_role("button", name=f"Extract {source} now")
    press(page, extract)
    panel = page.locator("#logins-problem")
    expect(panel).to_contain_text("accepted-terms:2026-12", timeout=WAIT)
    press(page, panel.get_by_role("link", name=re.compile("accept the terms")))
    expect(page).to_have_url(re.compile(r"/terms/2026-12\?next="), timeout=WAIT)
    press(page, page.locator("#terms-accept"))
    expect(page).to_have_url(re.compile(r"/analytics/logins\?from=2026-11-01"), timeout=WAIT)
    press(page, extract)
    invocation = page.locator(".problem-invocation code")
    expect(invocation).to_have_text(re.compile(r"^[0-9A-Z]{26}$"), timeout=WAIT)
    failed = invocation.inner_text()

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

    # The operator changes a tenant's plan: found by its slug, the plan chosen with arrows.
    slug = f"kb-{secrets.token_hex(3)}"
    operator = Operator(system)
    try:
        operator.call("commands", "create-tenant", {"slug": slug, "displayName": "Keyboard Co"})
    finally:
        operator.close()
    type_into(page, page.locator("#tenant"), "platform")
    type_into(page, page.locator("#email"), "operator@platform.test")
    type_into(page, page.locator("#password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile("/sign-in"), timeout=WAIT)
    go(page, "Tenants", r"/operator/tenants")
    type_into(page, page.locator("#tenant-search"), slug)
    page.keyboard.press("Enter")
    expect(page.locator("#tenants tbody tr")).to_have_count(1, timeout=WAIT)
    press(page, page.locator("#tenants tbody tr a").first)
    expect(page.locator("#tenant-plan")).to_have_text("starter", timeout=WAIT)
    choice = page.locator("#plan-choice")
    tab_to(page, choice)
    page.keyboard.press("End")  # the last plan by name: not starter
    chosen = choice.input_value()
    assert "starter" != chosen
    press(page, page.locator("#plan-set"))
    expect(page.locator("#tenant-done")).to_be_visible(timeout=WAIT)
    expect(page.locator("#tenant-plan")).to_have_text(chosen, timeout=WAIT)
