"""Plans, billing, requirements and the back-office in a browser: a module not in the plan
greyed and explained, this cycle's usage and an invoice down to the operations of a line, a
tenant changed by the operator (plan, module, feature, cycle closed, credit note), terms
accepted from the account page; axe on every new page in en and ar."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.blackbox._api import System
from tests.browser._browse import Api, unique
from tests.browser._browser import assert_accessible, sign_in
from tests.browser.conftest import ContextIn
from tests.browser.test_support import Operator, operator_speaks

WAIT = 20_000  # ms: generous, the machine runs the suites side by side
TERMS = "2026-12"  # the demo's terms, asked of analytics everywhere


@pytest.fixture
def operator(system: System) -> Iterator[Api]:
    made = Operator(system)
    yield made
    made.close()


def new_tenant(operator: Api, country: str = "FR") -> dict[str, object]:
    """A tenant of this test's own (no account in it: the operator's pages need none)."""
    slug = f"plans-{secrets.token_hex(3)}"
    body = {"slug": slug, "displayName": f"Plans {slug[-6:]}", "country": country}
    return {**operator.call("commands", "create-tenant", body), "slug": slug}


def invoiced(operator: Api, tenant_id: str) -> str:
    """The tenant's open cycle closed now: the id of its invoice."""
    closed = operator.call("commands", "close-billing-cycle", {"tenantId": tenant_id})
    return str(closed["invoiceId"])


def tenant_id_of(operator: Api, slug: str) -> str:
    found = operator.call("queries", "list-tenants", {"text": slug})["tenants"]
    assert isinstance(found, list)
    return str(next(t["tenantId"] for t in found if t["slug"] == slug))


def test_a_module_not_in_the_plan_is_greyed_in_the_nav_and_its_page_says_why(
    context_in: ContextIn, system: System
) -> None:
    """globex is on starter (no analytics): Logins is drawn unavailable with its reason, and
    its page is an empty state that says who can change it, not an error; en and ar."""
    globex = Api(system, "globex")
    try:
        accounts = {
            locale: globex.account(locale, "tenant-admin", "Global") for locale in ("en", "ar")
        }
    finally:
        globex.close()
    for locale, who in accounts.items():
        page = context_in(locale).new_page()
        sign_in(page, who.replace("@acme", "@globex"))
        unavailable = page.locator(".nav-unavailable")
        expect(unavailable).to_have_count(1, timeout=WAIT)
        expect(unavailable.get_by_role("link")).to_have_attribute("href", "/analytics/logins")
        reason = {"en": "Not in your plan", "ar": "غير مشمول في خطتك"}[locale]
        expect(unavailable).to_contain_text(reason, timeout=WAIT)
        answer = page.goto("/analytics/logins")
        assert answer is not None and 200 == answer.status
        expect(page.locator("#logins-unavailable .empty-state")).to_be_visible(timeout=WAIT)
        expect(page.locator(".problem")).to_have_count(0)
        assert_accessible(page)


def test_a_tenant_admin_reads_this_cycles_usage_and_an_invoice_down_to_its_operations(
    context_in: ContextIn, api: Api, operator: Api
) -> None:
    """acme's admin: the usage by folder rolls France up into EU and Global; the invoice the
    operator issued lists its lines, their sum is the total, and a line's operations are the
    metered requests; en and ar, axe on each page."""
    invoiced(operator, tenant_id_of(operator, "acme"))  # a cycle of this test's own
    made = [api.project("France", unique("Metered")) for _ in range(3)]
    page = context_in("en").new_page()
    sign_in(page, "admin@acme")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Billing")
    ).to_be_visible(timeout=WAIT)
    page.goto("/billing")
    folders = page.locator("#usage-folders tbody tr")
    for name in ("France", "EU", "Global"):
        row = folders.filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator("td")).to_have_text(re.compile(r"^[3-9]$|^\d{2,}$"), timeout=WAIT)
    expect(page.locator("#usage-modules tbody")).to_contain_text("projects", timeout=WAIT)
    assert_accessible(page)

    invoice = invoiced(operator, tenant_id_of(operator, "acme"))
    page.goto("/billing")
    link = page.locator("#invoices tbody tr a").first
    expect(link).to_be_visible(timeout=WAIT)
    page.goto(f"/billing/invoices/{invoice}")
    lines = page.locator("#invoice-lines tbody tr")
    france = lines.filter(has_text="France")
    expect(france).to_have_count(1, timeout=WAIT)
    expect(france.locator("td").first).to_have_text("3", timeout=WAIT)
    assert_accessible(page)
    france.get_by_role("link").click()
    operations = page.locator("#operations tbody tr")
    expect(operations).to_have_count(3, timeout=WAIT)
    expect(operations.first).to_contain_text("create-project", timeout=WAIT)
    assert_accessible(page)
    assert len(made) == operations.count()

    arabic = context_in("ar").new_page()
    sign_in(arabic, api.account("ar", "tenant-admin", "Global"))
    for path in ("/billing", f"/billing/invoices/{invoice}"):
        arabic.goto(path)
        expect(arabic.locator("html")).to_have_attribute("dir", "rtl", timeout=WAIT)
        assert_accessible(arabic)


def test_the_operator_changes_a_tenants_plan_modules_and_features_and_bills_it(
    context_in: ContextIn, operator: Api
) -> None:
    """From the tenants list, found by its slug: team instead of trial or starter, analytics
    disabled, a feature set, the cycle closed into an invoice and a credit note against it;
    each said done, and each read back from the server."""
    made = new_tenant(operator)
    slug, tenant_id = str(made["slug"]), str(made["tenantId"])
    page = context_in("en").new_page()
    sign_in(page, "operator@platform")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tenants").click()
    expect(page).to_have_url(re.compile(r"/operator/tenants$"), timeout=WAIT)
    page.locator("#tenant-search").fill(slug)
    page.locator("#tenant-search-submit").click()
    rows = page.locator("#tenants tbody tr")
    expect(rows).to_have_count(1, timeout=WAIT)
    assert_accessible(page)
    rows.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/operator/tenants/{tenant_id}$"), timeout=WAIT)
    assert_accessible(page)

    page.locator("#plan-choice").select_option("team")
    page.locator("#plan-set").click()
    expect(page.locator("#tenant-done")).to_be_visible(timeout=WAIT)
    expect(page.locator("#tenant-plan")).to_have_text("team", timeout=WAIT)

    page.locator("#module-analytics").click()
    expect(page.locator("#module-analytics-state")).to_have_text("off", timeout=WAIT)
    modules = operator.call("queries", "get-tenant", {"tenantId": tenant_id})["modules"]
    assert isinstance(modules, dict) and modules["analytics"] is False

    page.locator("#close-cycle").click()
    expect(page.locator("#tenant-done")).to_contain_text("closed", timeout=WAIT)
    invoices = page.locator("#invoices tbody tr")
    expect(invoices).to_have_count(1, timeout=WAIT)
    page.locator("#credit-amount").fill("1.50")
    page.locator("#credit-reason").fill("A day without service")
    page.locator("#credit-issue").click()
    expect(page.locator("#tenant-done")).to_contain_text("credit note", timeout=WAIT)
    assert_accessible(page)
    invoices.filter(has_text="Invoice").get_by_role("link").click()  # not the credit note
    expect(page.locator("#credit-notes tbody")).to_contain_text(
        "A day without service", timeout=WAIT
    )
    assert_accessible(page)


def test_an_amount_that_is_not_one_is_refused_in_the_page_and_nothing_is_issued(
    context_in: ContextIn, operator: Api
) -> None:
    """Three decimals of euros: said above the form, the values kept, no credit note."""
    made = new_tenant(operator)
    tenant_id = str(made["tenantId"])
    invoice = invoiced(operator, tenant_id)
    page = context_in("fr").new_page()
    sign_in(page, "operator@platform")
    page.goto(f"/operator/tenants/{tenant_id}")
    page.locator("#credit-amount").fill("1,505")
    page.locator("#credit-reason").fill("Trop précis")
    page.locator("#credit-issue").click()
    expect(page.locator("#tenant-problem")).to_be_visible(timeout=WAIT)
    expect(page.locator("#credit-amount")).to_have_value("1,505", timeout=WAIT)
    found = operator.call("queries", "get-invoice", {"invoiceId": invoice, "tenantId": tenant_id})
    assert [] == found["creditNotes"]


def test_the_back_office_is_accessible_in_arabic(context_in: ContextIn, operator: Api) -> None:
    """The tenants list and a tenant's page, right to left, axe-clean."""
    made = new_tenant(operator, "DE")
    operator_speaks(operator, "ar")
    try:
        page = context_in("ar").new_page()
        sign_in(page, "operator@platform")
        for path in ("/operator/tenants", f"/operator/tenants/{made['tenantId']}"):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("dir", "rtl", timeout=WAIT)
            assert_accessible(page)
    finally:
        operator_speaks(operator, "en")


def test_a_user_who_is_not_an_operator_is_refused_the_back_office(page: Page) -> None:
    """The server decides (its 403, in the page); the nav shows no operator link."""
    sign_in(page, "admin@acme")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Tenants")).to_have_count(0)
    answer = page.goto("/operator/tenants")
    assert answer is not None and 403 == answer.status
    expect(page.locator(".problem")).to_be_visible(timeout=WAIT)


def test_terms_accepted_from_the_account_page_become_an_entitlement(
    context_in: ContextIn, api: Api
) -> None:
    """acme (FR) asks the terms for analytics: the account page lists them unmet with a link;
    accepting comes back to the account, which lists signed-terms and no unmet requirement;
    the terms page is axe-clean in en and ar."""
    for locale in ("en", "ar"):
        page = context_in(locale).new_page()
        sign_in(page, api.account(locale, "tenant-admin", "Global"))
        page.goto("/account")
        unmet = page.locator("#account-unmet")
        expect(unmet).to_contain_text(f"accepted-terms:{TERMS}", timeout=WAIT)
        assert_accessible(page)
        unmet.get_by_role("link").first.click()
        expect(page).to_have_url(re.compile(rf"/terms/{TERMS}\?next=%2Faccount"), timeout=WAIT)
        assert_accessible(page)
        page.locator("#terms-accept").click()
        expect(page).to_have_url(re.compile(r"/account$"), timeout=WAIT)
        expect(page.locator("#entitlements tbody")).to_contain_text(
            f"signed-terms:{TERMS}", timeout=WAIT
        )
        expect(page.locator("#account-unmet")).to_have_count(0, timeout=WAIT)


def test_terms_never_send_the_browser_to_another_site(page: Page, api: Api) -> None:
    """A `next` of another site is replaced by the home page."""
    sign_in(page, api.account("en", "project-viewer", "Global"))  # who has accepted nothing
    page.goto(f"/terms/{TERMS}?next=https://elsewhere.example/")
    expect(page.locator("input[name=next]")).to_have_value("/", timeout=WAIT)


def test_a_form_refused_for_unmet_requirements_leads_to_them_and_back(
    context_in: ContextIn, api: Api
) -> None:
    """A new admin of acme extracts a source now: refused for the terms, the panel links to
    them; accepted, the browser is back on the logins page and the same form gets past the
    requirement (to the source's own failure: its file does not exist)."""
    source = unique("terms-source")
    api.call("commands", "accept-terms", {"version": TERMS})  # analytics asks admin@acme too
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
    page = context_in("en").new_page()
    sign_in(page, api.account("en", "tenant-admin", "Global"))
    page.goto("/analytics/logins")
    extract = page.get_by_role("button", name=f"Extract {source} now")
    extract.click()
    panel = page.locator("#logins-problem")
    expect(panel).to_contain_text(f"accepted-terms:{TERMS}", timeout=WAIT)
    assert_accessible(page)
    panel.get_by_role("link", name=re.compile("accept the terms")).click()
    expect(page).to_have_url(
        re.compile(rf"/terms/{TERMS}\?next=%2Fanalytics%2Flogins"), timeout=WAIT
    )
    page.locator("#terms-accept").click()
    expect(page).to_have_url(re.compile(r"/analytics/logins$"), timeout=WAIT)
    page.get_by_role("button", name=f"Extract {source} now").click()
    expect(page.locator(".problem")).to_be_visible(timeout=WAIT)
    expect(page.locator(".requirements")).to_have_count(0)
    expect(page.locator(".problem")).not_to_contain_text("accepted-terms")
