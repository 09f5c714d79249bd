"""The administration pages in a browser: the audit log (filters, pages, an entry), the
members of a folder (invite, revoke, deactivate; what one may not do is said), and the
logins chart; each accessible in en, fr and ar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.blackbox._api import System, new_ulid
from tests.browser._browser import assert_accessible, sign_in
from tests.browser.conftest import ContextIn

TODAY = datetime.now(UTC).date()
WAIT = 20_000  # ms: generous, for a busy machine (expect's own default is 5 s)
# pragma: allowlist nextline secret: the throwaway password of the accounts these tests make
PASSWORD = "a long enough password"


class Api:
    """The public API as one demo account, to set up what a page then shows."""

    def __init__(self, system: System, who: str) -> None:
        self.http = httpx.Client(base_url=system.base_url, timeout=30)
        tenant = who.split("@")[1]
        body = {"tenant": tenant, "email": f"{who}.test", "password": system.password}
        answer = self.http.post("/commands/log-in", json=body)
        assert 200 == answer.status_code, answer.text
        self.http.headers["Authorization"] = f"Bearer {answer.json()['accessToken']}"

    def __call__(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.http.post(f"/{path}", json=payload or {})
        assert 200 == answer.status_code, answer.text
        return dict(answer.json())

    def folder(self, name: str) -> str:
        folders = self("queries/list-folders")["folders"]
        return str(next(f["folderId"] for f in folders if f["name"] == name))

    def member(self, role: str, folder: str, locale: str = "en") -> Member:
        """A new account of the tenant, in `locale`, holding `role` at `folder`."""
        unique = new_ulid().lower()
        member = Member(f"Member {unique[-6:]}", f"{unique}@acme", PASSWORD)
        payload = {"email": f"{member.who}.test", "displayName": member.name, "locale": locale}
        made = self("commands/register-account", {**payload, "password": member.password})
        member.account_id = str(made["accountId"])
        self(
            "commands/assign-role",
            {"accountId": member.account_id, "role": role, "folderId": folder},
        )
        return member


@dataclass
class Member:
    name: str
    who: str  # as sign_in takes it: "name@tenant"
    password: str
    account_id: str = ""


@pytest.fixture
def admin_api(system: System) -> Api:
    return Api(system, "admin@acme")


def _whats(page: Page) -> list[str]:
    return [text.split()[0] for text in page.locator("#audit-results tbody th").all_inner_texts()]


def test_the_audit_log_filters_by_command_without_reloading_the_page(page: Page) -> None:
    """Filtering swaps the entries only (htmx), each then naming the command asked for."""
    sign_in(page, "admin@acme")
    page.goto("/audit")
    expect(page.get_by_text("Everyone's actions")).to_be_visible(timeout=WAIT)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Command or query").fill("get-my-permissions")
    page.locator("#audit-apply").click()

    expect(page.locator("#audit-results tbody tr").first).to_be_visible(timeout=WAIT)
    expect(page.locator("#audit-results tbody th").first).to_contain_text(
        "get-my-permissions", timeout=WAIT
    )
    assert {"get-my-permissions"} == set(_whats(page))
    assert page.evaluate("window.notReloaded === true")


def test_one_who_may_not_read_all_sees_only_their_own_entries(page: Page) -> None:
    """The viewer's log says it is theirs, offers no choice of actor, and shows only them."""
    sign_in(page, "viewer@acme")
    page.goto("/audit")
    expect(page.get_by_text("Your own actions")).to_be_visible(timeout=WAIT)
    expect(page.locator("#field-actor")).to_have_count(0, timeout=WAIT)
    expect(page.locator("#audit-results tbody tr").first).to_be_visible(timeout=WAIT)


def test_the_outcome_and_the_days_filter_and_a_bad_range_is_said(
    context_in: ContextIn, admin_api: Api
) -> None:
    """Denied entries only; none yesterday; a range ending before it starts: the server's
    message, in French."""
    french = admin_api.member("tenant-admin", admin_api.folder("Global"), locale="fr")
    page = context_in("fr").new_page()
    sign_in(page, french.who, french.password)
    page.goto("/audit?outcome=denied")
    outcomes = page.locator("#audit-results tbody td:nth-child(4)").all_inner_texts()
    assert all(text.startswith("Refusée") for text in outcomes)

    yesterday = (TODAY - timedelta(days=1)).isoformat()
    page.goto(f"/audit?from={yesterday}&to={yesterday}")
    expect(page.locator("#audit-results .empty-state")).to_be_visible(timeout=WAIT)

    answer = page.goto(f"/audit?from={TODAY.isoformat()}&to={yesterday}")
    assert answer is not None and 422 == answer.status
    expect(page.locator("#audit-results [role=alert]")).to_contain_text("postérieure", timeout=WAIT)


def test_pages_go_to_older_entries_keeping_the_filters_and_back_to_the_newest(
    page: Page,
) -> None:
    """Older entries are other entries, under the same filter; the first page is one link
    away."""
    sign_in(page, "admin@acme")
    for _ in range(30):  # each visit adds entries: enough for a second page soon
        page.goto("/audit?outcome=allowed")
        if page.locator("a[rel=next]").count():
            break
    first = page.locator("#audit-results tbody a").first.get_attribute("href")
    assert "outcome=allowed" in (page.locator("a[rel=next]").get_attribute("href") or "")

    page.locator("a[rel=next]").click()

    expect(page.get_by_role("link", name="Newest entries")).to_be_visible(timeout=WAIT)
    older = page.locator("#audit-results tbody a").all()
    assert first not in [link.get_attribute("href") for link in older]
    outcomes = page.locator("#audit-results tbody td:nth-child(4)").all_inner_texts()
    assert all(text.startswith("Allowed") for text in outcomes)


def test_the_admin_chooses_whose_entries_to_see_by_name(page: Page) -> None:
    """The actor filter offers the accounts by name; chosen, only theirs are listed."""
    sign_in(page, "viewer@acme")
    # the viewer has entries of their own; the page's scripts ask for a push token (and may ask
    # more), whose answers slide the session's cookie: the page is left for a blank one, so
    # that no answer of its own can set the cookie again once they are cleared
    with page.expect_response("**/session/push-token"):
        page.goto("/audit")
    page.goto("about:blank")
    page.context.clear_cookies()
    sign_in(page, "admin@acme")
    page.goto("/audit")

    page.locator("#field-actor").select_option(label="Viewer (viewer@acme.test)")
    page.locator("#audit-apply").click()

    expect(page.locator("#audit-results tbody tr").first).to_contain_text("Viewer", timeout=WAIT)
    who = page.locator("#audit-results tbody td:nth-child(3)").all_inner_texts()
    assert {"Viewer"} == set(who)


def test_the_members_of_a_folder_one_cannot_see_are_not_found(page: Page) -> None:
    """An unknown folder: the server's not-found problem, not a page of no members."""
    sign_in(page, "admin@acme")
    answer = page.goto(f"/folders/{new_ulid()}/members")
    assert answer is not None and 404 == answer.status
    expect(page.get_by_role("alert")).to_be_visible(timeout=WAIT)


def test_an_entry_opens_with_its_invocation_context(page: Page) -> None:
    """The row's link leads to the entry: its ids, who acted and how, its trace."""
    sign_in(page, "admin@acme")
    page.goto("/audit?name=get-my-permissions")
    link = page.locator("#audit-results tbody a").first
    invocation = (link.get_attribute("href") or "").rsplit("/", 1)[1]

    link.click()

    expect(page.locator("h1")).to_contain_text("get-my-permissions", timeout=WAIT)
    expect(page.locator("dl").first).to_contain_text(invocation, timeout=WAIT)
    expect(page.get_by_text("a session", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Trace id")).to_be_visible(timeout=WAIT)


def test_someone_elses_entry_is_not_found_for_one_who_may_not_read_all(
    context_in: ContextIn, admin_api: Api
) -> None:
    """A viewer opening the admin's entry gets the not-found problem, in their language."""
    admin = context_in("en").new_page()
    sign_in(admin, "admin@acme")
    admin.goto("/audit?name=get-my-permissions")
    href = admin.locator("#audit-results tbody a").first.get_attribute("href") or ""
    french = admin_api.member("project-viewer", admin_api.folder("US"), locale="fr")
    viewer = context_in("fr").new_page()
    sign_in(viewer, french.who, french.password)

    answer = viewer.goto(href)

    assert answer is not None and 404 == answer.status
    expect(viewer.get_by_role("alert")).to_contain_text("Aucune entrée d'audit", timeout=WAIT)


def test_the_admin_invites_someone_to_a_folder(page: Page, admin_api: Api) -> None:
    """The invitation is sent and said; the invited account is listed as invited."""
    eu = admin_api.folder("EU")
    sign_in(page, "admin@acme")
    page.goto(f"/folders/{eu}/members")
    email = f"{new_ulid().lower()}@acme.test"

    page.locator("#field-email").fill(email)
    page.locator("#field-displayName").fill("Invited From The Page")
    page.locator("#field-role").select_option("project-editor")
    page.locator("#invite").click()

    expect(page.locator("p[role=status]")).to_have_text("The invitation is sent.", timeout=WAIT)
    accounts = admin_api("queries/list-accounts")["accounts"]
    assert "invited" == next(a["status"] for a in accounts if a["email"] == email)


def test_a_refused_invitation_is_said_and_its_values_kept(page: Page, admin_api: Api) -> None:
    """An email already taken: the server's message, the form still filled."""
    eu = admin_api.folder("EU")
    sign_in(page, "admin@acme")
    page.goto(f"/folders/{eu}/members")

    page.locator("#field-email").fill("viewer@acme.test")
    page.locator("#field-displayName").fill("Twice")
    page.locator("#invite").click()

    expect(page.locator("[role=alert]")).to_be_visible(timeout=WAIT)
    expect(page.locator("#field-displayName")).to_have_value("Twice", timeout=WAIT)


def test_the_admin_revokes_a_role_and_deactivates_an_account(page: Page, admin_api: Api) -> None:
    """Revoked, the member's row goes; deactivated, the account says so."""
    france = admin_api.folder("France")
    revoked = admin_api.member("project-viewer", france).name
    deactivated = admin_api.member("project-viewer", france).name
    sign_in(page, "admin@acme")
    page.goto(f"/folders/{france}/members")

    page.get_by_role("button", name=f"Revoke the role Project viewer of {revoked}").click()
    expect(page.locator("p[role=status]")).to_have_text("The role is revoked.", timeout=WAIT)
    expect(page.get_by_role("row", name=re.compile(revoked))).to_have_count(0, timeout=WAIT)

    page.get_by_role("button", name=f"Deactivate the account of {deactivated}").click()
    expect(page.locator("p[role=status]")).to_have_text("The account is deactivated.", timeout=WAIT)
    expect(page.get_by_role("row", name=re.compile(deactivated))).to_contain_text(
        "Deactivated", timeout=WAIT
    )


def test_the_admin_forgets_a_member_once_the_box_is_ticked(page: Page, admin_api: Api) -> None:
    """Unticked, the browser asks for the box and nothing is posted; ticked, the member's
    name and email read [forgotten] and the account is deactivated."""
    france = admin_api.folder("France")
    member = admin_api.member("project-viewer", france)
    sign_in(page, "admin@acme")
    page.goto(f"/folders/{france}/members")
    row = page.get_by_role("row", name=re.compile(member.name))
    forget = page.get_by_role("button", name=f"Forget the account of {member.name}")

    forget.click()
    expect(row).to_contain_text("Active", timeout=WAIT)  # the required box held it back
    row.get_by_label("For good").check()
    forget.click()

    expect(page.locator("p[role=status]")).to_have_text(
        "The account is forgotten: its email and name can no longer be read.", timeout=WAIT
    )
    forgotten = page.get_by_role("row", name=re.compile(re.escape("[forgotten]")))
    expect(forgotten).to_contain_text("Deactivated", timeout=WAIT)
    expect(page.get_by_role("row", name=re.compile(member.name))).to_have_count(0, timeout=WAIT)


def test_what_the_editor_may_not_do_is_disabled_and_explained(page: Page, admin_api: Api) -> None:
    """The editor at EU may not invite: the button says why, and posts nothing."""
    eu = admin_api.folder("EU")
    sign_in(page, "editor@acme")
    page.goto(f"/folders/{eu}/members")

    button = page.locator("#invite")

    expect(button).to_have_attribute("aria-disabled", "true", timeout=WAIT)
    expect(page.locator("#invite-reason")).to_have_text(
        "You may not invite people with a role at this folder.", timeout=WAIT
    )
    expect(page.locator(".empty-state")).to_be_visible(timeout=WAIT)


def test_the_logins_chart_draws_ossature_s_own_logins_for_the_days_asked(page: Page) -> None:
    """Today's point of Ossature's own line counts this test's sign-in at least."""
    sign_in(page, "admin@acme")
    first = (TODAY - timedelta(days=6)).isoformat()

    page.goto(f"/analytics/logins?from={first}&to={TODAY.isoformat()}")

    points = page.locator('circle[data-series="Ossature"]')
    expect(points).to_have_count(7, timeout=WAIT)
    today = page.locator(f'circle[data-series="Ossature"][data-key="{TODAY.isoformat()}"]')
    assert int(today.get_attribute("data-value") or 0) >= 1
    expect(page.get_by_label("From")).to_have_value(first, timeout=WAIT)


def test_a_day_that_is_not_a_date_is_said(page: Page) -> None:
    sign_in(page, "admin@acme")
    answer = page.goto("/analytics/logins?from=someday")
    assert answer is not None and 422 == answer.status
    expect(page.get_by_role("alert")).to_contain_text("Give each day as a date", timeout=WAIT)


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_the_administration_pages_are_accessible(
    context_in: ContextIn, admin_api: Api, locale: str
) -> None:
    """axe finds nothing on the audit log, an entry, the members and the chart."""
    eu = admin_api.folder("EU")
    admin = admin_api.member("tenant-admin", admin_api.folder("Global"), locale=locale)
    page = context_in(locale).new_page()
    sign_in(page, admin.who, admin.password)
    expect(page.locator("html")).to_have_attribute("lang", locale, timeout=WAIT)
    page.goto("/audit")
    assert_accessible(page)
    page.locator("#audit-results tbody a").first.click()
    expect(page.locator("dl").first).to_be_visible(timeout=WAIT)
    assert_accessible(page)
    for path in (f"/folders/{eu}/members", "/analytics/logins"):
        page.goto(path)
        assert_accessible(page)


def _tab_to(page: Page, selector: str, presses: int = 60) -> None:
    """Press Tab until `selector` has the focus (as a keyboard user moves)."""
    for _ in range(presses):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus")


def test_the_audit_log_and_an_invitation_with_the_keyboard_alone(
    page: Page, admin_api: Api
) -> None:
    """Filter the log, open an entry, and invite someone: Tab, typing and Enter only."""
    eu = admin_api.folder("EU")
    sign_in(page, "admin@acme")
    page.goto("/audit")
    _tab_to(page, "#field-name")
    page.keyboard.type("get-my-permissions")
    page.keyboard.press("Enter")
    expect(page.locator("#audit-results tbody th").first).to_contain_text(
        "get-my-permissions", timeout=WAIT
    )
    _tab_to(page, "#audit-results tbody a")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("get-my-permissions", timeout=WAIT)

    page.goto(f"/folders/{eu}/members")
    _tab_to(page, "#field-email")
    page.keyboard.type(f"{new_ulid().lower()}@acme.test")
    page.keyboard.press("Tab")
    page.keyboard.type("Keyboard User")
    _tab_to(page, "#invite")
    page.keyboard.press("Enter")
    expect(page.locator("p[role=status]")).to_have_text("The invitation is sent.", timeout=WAIT)
