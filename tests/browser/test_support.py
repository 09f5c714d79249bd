"""Support and the changelog in a browser: a real failure reported and answered, an
announcement published and read in another tenant, in another language; axe on each page.

The failure is an honest one: an extract of a login source whose file does not exist
answers 503 (`analytics.source-unreachable`), and so does its retry.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.blackbox._api import System
from tests.browser._browse import Api, unique
from tests.browser._browser import assert_accessible, sign_in
from tests.browser.conftest import ContextIn

LOCALES = ("en", "fr", "ar")
WAIT = 20_000  # ms: generous, the machine runs the suites side by side


class Operator(Api):
    """The platform's tenant over HTTP, as its seeded operator."""

    def __init__(self, system: System) -> None:
        self.system, self.tenant = system, "platform"
        self.http = httpx.Client(base_url=system.base_url, timeout=30)
        self.token = self._log_in("operator@platform.test")


@pytest.fixture
def operator(system: System) -> Iterator[Api]:
    made = Operator(system)
    yield made
    made.close()


def failed_extract(api: Api) -> str:
    """The invocation id of admin@acme's extract that answered 503."""
    source = {
        "name": "browser-missing",
        "kind": "sqlite",
        "location": "sources/browser-missing-never-there.sqlite3",
        "schedule": "0 3 1 1 *",
    }
    api.call("commands", "accept-terms", {"version": "2026-12"})  # analytics asks for them
    api.call("commands", "configure-login-source", source)
    headers = {"Authorization": f"Bearer {api.token}"}
    answer = api.http.post(
        "/commands/run-login-extract", json={"source": "browser-missing"}, headers=headers
    )
    assert (503, "analytics.source-unreachable") == (
        answer.status_code,
        answer.json()["messageKey"],
    )
    return str(answer.json()["invocationId"])


def operator_speaks(operator: Api, locale: str) -> None:
    """The seeded operator's account now speaks `locale` (its next sign-in's pages)."""
    operator.call("commands", "set-my-locale", {"locale": locale})


def test_a_reported_failure_is_retried_answered_by_the_operator_and_shown_to_its_reporter(
    context_in: ContextIn, api: Api
) -> None:
    """admin@acme reports the failed extract by its reference; the retry failed too; the
    operator answers it from the investigations page; "My reports" shows the answer."""
    invocation = failed_extract(api)
    reporter = context_in("en").new_page()
    sign_in(reporter, "admin@acme")
    reporter.goto(f"/reports?invocation={invocation}")
    expect(reporter.locator("#report-reference")).to_have_value(invocation, timeout=WAIT)
    description = unique("The extract failed")
    reporter.locator("#report-description").fill(description)
    reporter.locator("#report-submit").click()
    expect(reporter).to_have_url(re.compile(r"/reports\?opened=\w+"), timeout=WAIT)
    mine = reporter.locator("#reports tbody tr").filter(has_text=description)
    expect(mine).to_contain_text("It failed again (503)", timeout=WAIT)
    expect(mine).to_contain_text("Open", timeout=WAIT)
    assert_accessible(reporter)

    desk = context_in("en").new_page()
    sign_in(desk, "operator@platform")
    desk.goto("/operator/investigations")
    case = desk.locator("article").filter(has_text=invocation)
    expect(case).to_contain_text(description, timeout=WAIT)
    assert_accessible(desk)
    answer = unique("The file is missing")
    case.get_by_label("Answer").fill(answer)
    case.get_by_role("button", name="Answer and close").click()
    expect(desk).to_have_url(re.compile(r"resolved="), timeout=WAIT)

    reporter.goto("/reports")
    expect(mine).to_contain_text(answer, timeout=WAIT)
    expect(mine).to_contain_text("Resolved", timeout=WAIT)


def test_reporting_someone_elses_request_is_refused_in_the_users_language(
    context_in: ContextIn, api: Api
) -> None:
    """The server's 404 message, in French, above the form; nothing is opened."""
    invocation = failed_extract(api)
    who = api.account("fr", "project-viewer", "US")
    page = context_in("fr").new_page()
    sign_in(page, who)
    page.goto(f"/reports?invocation={invocation}")
    page.locator("#report-submit").click()
    expect(page.locator("#report-problem")).to_contain_text("Aucune de vos requêtes", timeout=WAIT)
    expect(page.locator("#reports tbody")).to_contain_text(
        "Vous n'avez signalé aucun problème", timeout=WAIT
    )


def test_an_announcement_published_is_read_in_another_tenant_in_its_users_language(
    context_in: ContextIn, operator: Api, system: System
) -> None:
    """The operator publishes in three languages; a French-speaking user of globex finds it
    in "What's new" by a word of its French text, and not before its day."""
    marker = secrets.token_hex(4)
    desk = context_in("en").new_page()
    sign_in(desk, "operator@platform")
    desk.goto("/operator/announcements")
    assert_accessible(desk)
    desk.locator("#title-en").fill(f"Dark mode {marker}")
    desk.locator("#body-en").fill("Pages follow the system's theme.")
    desk.locator("#title-fr").fill(f"Mode sombre {marker}")
    desk.locator("#body-fr").fill("Les pages suivent le thème du système.")
    desk.locator("#title-ar").fill(f"الوضع الداكن {marker}")
    desk.locator("#body-ar").fill("تتبع الصفحات سمة النظام.")
    desk.locator("#link").fill("/changelog")
    desk.locator("#publish").click()
    expect(desk).to_have_url(re.compile(r"/changelog\?published=\w+"), timeout=WAIT)

    globex = Api(system, "globex")
    try:
        who = globex.account("fr", "project-viewer", "US")
    finally:
        globex.close()
    reader = context_in("fr").new_page()
    sign_in(reader, who.replace("@acme", "@globex"))
    reader.goto("/changelog")
    reader.locator("#filter-text").fill(f"sombre {marker}")
    reader.locator("#filter-apply").click()
    entries = reader.locator("#changelog article")
    expect(entries).to_have_count(1, timeout=WAIT)
    expect(entries.get_by_role("heading")).to_have_text(f"Mode sombre {marker}", timeout=WAIT)
    expect(entries).to_contain_text("Les pages suivent le thème du système.", timeout=WAIT)
    reader.locator("#filter-since").fill("2999-01-01")
    reader.locator("#filter-apply").click()
    expect(entries).to_have_count(0, timeout=WAIT)


def test_a_user_who_is_not_an_operator_is_refused_the_operator_pages(page: Page) -> None:
    """The server decides: its 403, said in the page, not a rule of the web app."""
    sign_in(page, "admin@acme")
    answer = page.goto("/operator/investigations")
    assert answer is not None and 403 == answer.status
    expect(page.locator(".problem")).to_be_visible(timeout=WAIT)


def test_the_support_pages_are_accessible_in_every_language(
    context_in: ContextIn, api: Api, operator: Api
) -> None:
    """axe finds nothing on My reports, What's new and the operator's pages, in en, fr, ar."""
    for locale in LOCALES:
        page = context_in(locale).new_page()
        sign_in(page, api.account(locale, "project-viewer", "US"))
        for path in ("/reports", "/changelog"):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", locale, timeout=WAIT)
            assert_accessible(page)
        operator_speaks(operator, locale)
        try:
            desk = context_in(locale).new_page()
            sign_in(desk, "operator@platform")
            for path in ("/operator/investigations?status=all", "/operator/announcements"):
                desk.goto(path)
                expect(desk.locator("html")).to_have_attribute("lang", locale, timeout=WAIT)
                assert_accessible(desk)
        finally:
            operator_speaks(operator, "en")


def test_the_changelog_answers_over_plain_http(system: System) -> None:
    """Signed out, /changelog sends the visitor to sign in first."""
    answer = httpx.get(f"{system.base_url}/changelog", follow_redirects=False)
    assert (303, "/sign-in?next=/changelog") == (answer.status_code, answer.headers["location"])


def test_a_new_announcement_appears_as_a_toast_in_the_readers_language(
    context_in: ContextIn, api: Api, operator: Api
) -> None:
    """A French reader on a live page is told of the entry by its French title, with a link
    to What's new, without a reload."""
    reader = api.account("fr", "project-viewer", "Global")
    page = context_in("fr").new_page()
    sign_in(page, reader)
    page.goto(f"/folders/{api.folders()['France']}")
    expect(page.locator("#live")).to_have_attribute("data-live-state", "connected", timeout=WAIT)
    marker = secrets.token_hex(4)
    entry = {
        "title": {
            "en": f"Dark mode {marker}",
            "fr": f"Mode sombre {marker}",
            "ar": f"الوضع الداكن {marker}",
        },
        "body": {
            "en": "Pages follow the system's theme.",
            "fr": "Les pages suivent le thème du système.",
            "ar": "تتبع الصفحات سمة النظام.",
        },
    }
    operator.call("commands", "publish-announcement", entry)
    toast = page.locator("#toasts .toast").filter(has_text=marker)
    expect(toast).to_contain_text(f"Nouveauté : Mode sombre {marker}", timeout=WAIT)
    expect(toast.get_by_role("link")).to_have_attribute("href", "/changelog", timeout=WAIT)
    assert_accessible(page)


def test_the_operators_answer_appears_as_a_toast_to_its_reporter(
    context_in: ContextIn, api: Api, operator: Api
) -> None:
    """admin@acme, on a live page, is told of the answer to their report, with a link to My
    reports."""
    invocation = failed_extract(api)
    opened = api.call("commands", "report-problem", {"invocationId": invocation})
    page = context_in("en").new_page()
    sign_in(page, "admin@acme")
    page.goto(f"/folders/{api.folders()['France']}")
    expect(page.locator("#live")).to_have_attribute("data-live-state", "connected", timeout=WAIT)
    answer = unique("Add the file")
    resolution = {"id": opened["investigationId"], "answer": answer}
    operator.call("commands", "resolve-investigation", resolution)
    toast = page.locator("#toasts .toast").filter(has_text=answer)
    expect(toast).to_contain_text("Your report about run-login-extract has an answer", timeout=WAIT)
    expect(toast.get_by_role("link")).to_have_attribute("href", "/reports", timeout=WAIT)
