"""The back-office in a browser: a tenant's region in the list and on its page, and its key
rotated from its page, the new version read back; axe-clean in en and ar."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.blackbox._api import System
from tests.browser._browse import Api
from tests.browser._browser import assert_accessible, sign_in
from tests.browser.conftest import ContextIn
from tests.browser.test_support import Operator, operator_speaks

WAIT = 20_000  # ms: generous, the machine runs the suites side by side


@pytest.fixture
def operator(system: System) -> Iterator[Api]:
    made = Operator(system)
    yield made
    made.close()


def _tenant_in(operator: Api, region: str) -> tuple[str, str]:
    """A tenant of this test's own in `region`: its slug and id."""
    slug = f"keys-{secrets.token_hex(3)}"
    body = {"slug": slug, "displayName": f"Keys {slug[-6:]}", "region": region}
    return slug, str(operator.call("commands", "create-tenant", body)["tenantId"])


def test_the_operator_sees_the_region_and_rotates_the_tenants_key(
    context_in: ContextIn,
    operator: Api,
) -> None:
    """No key before any personal data; one rotation makes version 2, said done and read
    back from the server."""
    slug, tenant_id = _tenant_in(operator, "us-east")
    page = context_in("en").new_page()
    sign_in(page, "operator@platform")
    page.goto(f"/operator/tenants?text={slug}")
    row = page.locator("#tenants tbody tr")
    expect(row).to_have_count(1, timeout=WAIT)
    expect(row).to_contain_text("us-east", timeout=WAIT)
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/operator/tenants/{tenant_id}$"), timeout=WAIT)
    expect(page.locator("#tenant-region")).to_have_text("us-east", timeout=WAIT)
    expect(page.locator("#tenant-key")).to_contain_text("No key yet", timeout=WAIT)

    page.locator("#key-rotate").click()

    expect(page.locator("#tenant-done")).to_contain_text("new key", timeout=WAIT)
    expect(page.locator("#tenant-key")).to_have_text("Key version 2", timeout=WAIT)
    assert 2 == operator.call("queries", "get-tenant", {"tenantId": tenant_id})["keyVersion"]
    assert_accessible(page)


def test_the_key_and_region_read_right_to_left(
    context_in: ContextIn,
    operator: Api,
) -> None:
    _, tenant_id = _tenant_in(operator, "eu-west")
    operator_speaks(operator, "ar")
    try:
        page = context_in("ar").new_page()
        sign_in(page, "operator@platform")
        page.goto(f"/operator/tenants/{tenant_id}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl", timeout=WAIT)
        expect(page.locator("#tenant-region")).to_have_text("eu-west", timeout=WAIT)
        expect(page.locator("#key-rotate")).to_have_text("تدوير المفتاح", timeout=WAIT)
        assert_accessible(page)
    finally:
        operator_speaks(operator, "en")
