"""Invoices over HTTP: the platform operator closes acme's cycle, the invoice's lines sum to
its total and trace to the metered invocations, a credit note corrects it, and globex cannot
see it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.blackbox._api import System, Tenant, TokenFor, call, log_in, problem_of


async def operations_of(
    http: httpx.AsyncClient, token: str, invoice_id: str, line_id: str
) -> list[dict[str, Any]]:
    """Every metered invocation a line counts, page after page."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        body = {"invoiceId": invoice_id, "lineId": line_id, "limit": 2, "after": after}
        page = (await call(http, "queries/list-invoice-operations", body, token)).json()
        found += page["operations"]
        after = page["next"]
        if after is None:
            return found


async def test_an_operator_closes_acme_s_cycle_and_its_invoice_adds_up(
    system: System, http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    operator = await log_in(http, "operator@platform.test", system.password)
    admin = await token_for("admin@acme")
    for name in ("Invoice check 1", "Invoice check 2", "Invoice check 3"):
        made = await call(
            http,
            "commands/create-project",
            {"folderId": acme.folders["France"], "name": name},
            admin,
        )
        assert 200 == made.status_code, made.text

    closed = await call(
        http, "commands/close-billing-cycle", {"tenantId": acme.tenant_id}, operator
    )
    assert 200 == closed.status_code, closed.text
    invoice_id = closed.json()["invoiceId"]
    invoice = (await call(http, "queries/get-invoice", {"invoiceId": invoice_id}, admin)).json()

    lines = invoice["lines"]
    assert invoice["total"]["amount"] == sum(line["amount"]["amount"] for line in lines)
    assert invoice["operations"] == sum(line["operations"] for line in lines)
    assert invoice["operations"] >= 3
    traced = [await operations_of(http, admin, invoice_id, line["lineId"]) for line in lines]
    assert [line["operations"] for line in lines] == [len(found) for found in traced]
    listed = {op["invocationId"] for found in traced for op in found}
    assert invoice["operations"] == len(listed)


async def test_a_credit_note_corrects_acme_s_invoice_and_globex_cannot_read_it(
    system: System,
    http: httpx.AsyncClient,
    token_for: TokenFor,
    acme: Tenant,
    globex: Tenant,
) -> None:
    operator = await log_in(http, "operator@platform.test", system.password)
    await call(http, "commands/close-billing-cycle", {"tenantId": acme.tenant_id}, operator)
    # acme's first cycle ran from the month's start: its invoice has a base fee to credit.
    every = await call(http, "queries/list-invoices", {"tenantId": acme.tenant_id}, operator)
    invoices = [i for i in every.json()["invoices"] if i["kind"] == "invoice"]
    invoice_id = max(invoices, key=lambda i: i["total"]["amount"])["invoiceId"]
    query = {"invoiceId": invoice_id, "tenantId": acme.tenant_id}
    invoice = (await call(http, "queries/get-invoice", query, operator)).json()
    left = invoice["remaining"]
    assert left["amount"] > 0, invoice
    body = {
        "tenantId": acme.tenant_id,
        "invoiceId": invoice_id,
        "amount": left,
        "reason": "goodwill",
    }

    credited = await call(http, "commands/issue-credit-note", body, operator)
    one_more = {**body, "amount": {**left, "amount": 1}}  # nothing is left after the first
    refused = await call(http, "commands/issue-credit-note", one_more, operator)
    admin = await token_for("admin@acme")
    listed = (await call(http, "queries/list-invoices", {}, admin)).json()["invoices"]
    seen_by_globex = await call(
        http, "queries/get-invoice", {"invoiceId": invoice_id}, await token_for("admin@globex")
    )

    assert 200 == credited.status_code, credited.text
    assert -left["amount"] == credited.json()["total"]["amount"]
    assert credited.json()["creditNoteId"] in {
        i["invoiceId"] for i in listed if i["kind"] == "credit-note"
    }
    assert (422, "billing.credit-exceeds-invoice") == problem_of(refused)
    assert (404, "billing.invoice-not-found") == problem_of(seen_by_globex)
