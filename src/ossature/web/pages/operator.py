"""The back-office: the platform operator's tenants, and one tenant's plan, modules,
features, usage, open investigations and invoices.

The server alone decides who is an operator (anyone else meets its 403, in their language)
and what a plan holds; the page draws what list-tenants and get-tenant answer and posts the
operator's changes as commands (set-tenant-plan, enable-module, disable-module,
set-tenant-feature, close-billing-cycle, issue-credit-note, rotate-tenant-key), each form with its idempotency
key so that "Try again" applies nothing twice. A refusal shows the tenant's page again with
the server's message, the values kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, get_currency_precision, parse_decimal
from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import Json, OssatureError, new_ulid
from ossature.web._i18n import format_money
from ossature.web._page import View, page

__all__ = ["ROUTES", "feature_value", "minor_units"]

PAGE_SIZE = 20


@dataclass(frozen=True)
class Failed:
    """A form of the tenant's page that was refused: by the server (`error`), or by the web
    app before sending it (`refusal`, a catalog key: a number that is not one)."""

    form: str  # "plan", "module-<name>", "feature-<name>", "close", "credit", "key"
    status: int
    error: OssatureError | None = None
    refusal: str | None = None


_DONE = ("plan", "module", "feature", "closed", "credited", "key")


async def tenants(view: View) -> Response:
    query = view.request.query_params
    text = (query.get("text") or "").strip()
    after = query.get("after") or None
    listed = await view.client.list_tenants(text or None, after, PAGE_SIZE)
    return view.render(
        "pages/operator/tenants.html",
        partial="tenants",
        tenants=list(listed["tenants"]),
        following=listed.get("next"),
        after=after,
        text=text,
        query=query,
    )


async def tenant(view: View) -> Response:
    return await _tenant_page(view, view.request.path_params["tenant_id"])


async def _tenant_page(
    view: View,
    tenant_id: str,
    failed: Failed | None = None,
) -> Response:
    """The tenant's page; after a refused form, with the refusal above it and that form's
    values and idempotency key kept (the other forms get keys of their own)."""
    found, invoices = await asyncio.gather(
        view.client.get_tenant(tenant_id), view.client.list_invoices(tenant_id, limit=PAGE_SIZE)
    )
    billable = [item for item in invoices["invoices"] if item["kind"] == "invoice"]
    credit_options = [
        (item["invoiceId"], f"{item['number']} · {format_money(item['total'], view.locale)}")
        for item in billable
    ]
    done = view.request.query_params.get("done")
    failed_form = failed.form if failed else None
    return view.render(
        "pages/operator/tenant.html",
        failed.status if failed else 200,
        tenant=found,
        plan_options=[(plan, plan) for plan in _plans(found)],
        credit_options=credit_options,
        credit_example=_example(credit_options, billable, view.locale),
        features=[_feature(name, value) for name, value in sorted(found["features"].items())],
        invoices=list(invoices["invoices"]),
        more_invoices=invoices.get("next") is not None,
        done=done if done in _DONE else None,
        problem=failed.error if failed else None,
        refusal=view.t(failed.refusal) if failed and failed.refusal else None,
        failed_form=failed_form,
        values=view.posted if failed else {},
        key=lambda form: view.idempotency_key if form == failed_form else new_ulid(),
    )


def _plans(tenant: Json) -> list[str]:
    """The plans to choose from: every plan of the catalog, as get-tenant names them."""
    return [str(plan) for plan in tenant.get("plans") or [tenant["plan"]]]


def _example(options: list[Any], billable: list[Json], locale: str) -> str:
    """An amount in the invoices' currency, as the user's locale writes it (the form's hint)."""
    if not options:
        return ""
    return format_money({"amount": 1250, "currency": billable[0]["total"]["currency"]}, locale)


def _feature(name: str, value: Any) -> dict[str, Any]:
    kind = "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "str"
    return {"name": name, "value": value, "kind": kind}


def feature_value(kind: str, sent: str) -> bool | int | str | None:
    """A feature's value as its form sent it, typed as the feature is; None when it is not
    one (a number that is not)."""
    if kind == "bool":
        return sent == "true"
    if kind == "int":
        try:
            return int(sent.strip())
        except ValueError:
            return None
    return sent


def minor_units(amount: str, currency: str, locale: str) -> int | None:
    """An amount typed in the user's locale ("12,50" in fr) in the currency's minor units
    (1250 for EUR), exactly; None when it is not an amount of that currency (more decimals
    than it has, or not a number)."""
    digits = "".join(amount.split())  # a space of any width only ever groups digits
    try:
        value = parse_decimal(digits, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        return None
    scaled = value.scaleb(get_currency_precision(currency))
    return int(scaled) if scaled == scaled.to_integral_value() else None


async def _act(
    view: View, tenant_id: str, form: str, act: Callable[[], Awaitable[Json]], done: str
) -> Response:
    """Run the operator's change `act()` posted by `form`; the tenant's page saying it is
    done, or again with the server's refusal and the values sent."""
    try:
        await act()
    except OssatureError as error:
        if error.status >= 500 or error.status == 401:
            raise
        return await _tenant_page(view, tenant_id, Failed(form, error.status, error))
    return view.redirect(f"/operator/tenants/{tenant_id}?done={done}")


async def set_plan(view: View) -> Response:
    tenant_id = view.request.path_params["tenant_id"]
    form = await view.form()
    plan = str(form.get("plan") or "")
    key = view.idempotency_key

    async def act() -> Json:
        return await view.client.set_tenant_plan(tenant_id, plan, idempotency_key=key)

    return await _act(view, tenant_id, "plan", act, "plan")


async def switch_module(view: View) -> Response:
    tenant_id = view.request.path_params["tenant_id"]
    form = await view.form()
    module, key = str(form.get("module") or ""), view.idempotency_key
    switch = (
        view.client.enable_module if form.get("enabled") == "true" else view.client.disable_module
    )

    async def act() -> Json:
        return await switch(tenant_id, module, idempotency_key=key)

    return await _act(view, tenant_id, f"module-{module}", act, "module")


async def set_feature(view: View) -> Response:
    tenant_id = view.request.path_params["tenant_id"]
    form = await view.form()
    feature, key = str(form.get("feature") or ""), view.idempotency_key
    value = feature_value(str(form.get("kind") or "str"), str(form.get("value") or ""))
    if value is None:
        failed = Failed(f"feature-{feature}", 422, refusal="operator.not-a-number")
        return await _tenant_page(view, tenant_id, failed)

    async def act() -> Json:
        return await view.client.set_tenant_feature(tenant_id, feature, value, idempotency_key=key)

    return await _act(view, tenant_id, f"feature-{feature}", act, "feature")


async def close_cycle(view: View) -> Response:
    tenant_id = view.request.path_params["tenant_id"]
    await view.form()
    key = view.idempotency_key

    async def act() -> Json:
        return await view.client.close_billing_cycle(tenant_id, idempotency_key=key)

    return await _act(view, tenant_id, "close", act, "closed")


async def rotate_key(view: View) -> Response:
    tenant_id = view.request.path_params["tenant_id"]
    await view.form()
    key = view.idempotency_key

    async def act() -> Json:
        return await view.client.rotate_tenant_key(tenant_id, idempotency_key=key)

    return await _act(view, tenant_id, "key", act, "key")


async def credit_note(view: View) -> Response:
    tenant_id = view.request.path_params["tenant_id"]
    form = await view.form()
    invoice_id, key = str(form.get("invoiceId") or ""), view.idempotency_key
    reason = str(form.get("reason") or "").strip()
    try:
        currency = (await view.client.get_invoice(invoice_id, tenant_id))["currency"]
    except OssatureError as error:
        if error.status >= 500 or error.status == 401:
            raise
        return await _tenant_page(view, tenant_id, Failed("credit", error.status, error))
    amount = minor_units(str(form.get("amount") or ""), currency, view.locale)
    if amount is None:
        failed = Failed("credit", 422, refusal="operator.not-an-amount")
        return await _tenant_page(view, tenant_id, failed)
    money = {"amount": amount, "currency": currency}

    async def act() -> Json:
        return await view.client.issue_credit_note(
            tenant_id, invoice_id, money, reason, idempotency_key=key
        )

    return await _act(view, tenant_id, "credit", act, "credited")


ROUTES = [
    Route("/operator/tenants", page(tenants), methods=["GET"]),
    Route("/operator/tenants/{tenant_id}", page(tenant), methods=["GET"]),
    Route("/operator/tenants/{tenant_id}/plan", page(set_plan), methods=["POST"]),
    Route("/operator/tenants/{tenant_id}/modules", page(switch_module), methods=["POST"]),
    Route("/operator/tenants/{tenant_id}/features", page(set_feature), methods=["POST"]),
    Route("/operator/tenants/{tenant_id}/close", page(close_cycle), methods=["POST"]),
    Route("/operator/tenants/{tenant_id}/key", page(rotate_key), methods=["POST"]),
    Route("/operator/tenants/{tenant_id}/credit-notes", page(credit_note), methods=["POST"]),
]
