"""Typed calls of plans: capabilities and requirements, usage and invoices, the back-office.

A mixin of `Client`: each call is one command or query through `command` and `query`. Money
comes and goes as the wire has it, `{"amount": <int minor units>, "currency": "EUR"}`.
"""

from __future__ import annotations

from typing import Unpack

from ossature.sdk._admin import _Invoker, _present
from ossature.sdk._types import CallOptions, Json

__all__ = ["PlanCalls"]


class PlanCalls:
    # What the caller has, and what is asked of them.

    async def get_my_capabilities(self: _Invoker) -> Json:
        """`plan`, `modules` ({module: bool}), `features` and the `unmet` requirements."""
        return await self.query("get-my-capabilities")

    async def accept_terms(self: _Invoker, version: str, **options: Unpack[CallOptions]) -> Json:
        """Accept the terms of `version`: the entitlement it gives (`version`, `entitlement`)."""
        return await self.command("accept-terms", {"version": version}, **options)

    async def list_my_entitlements(self: _Invoker) -> list[Json]:
        """The entitlements this account gained ({id, gainedAt})."""
        return list((await self.query("list-my-entitlements"))["entitlements"])

    # A tenant's usage and invoices (billing.read; an operator names the tenant).

    async def get_usage(self: _Invoker, first: str, last: str, group_by: str) -> Json:
        """Operations from `first` to `last` grouped by "folder", "module" or "command":
        `total` and `rows` ({key, name, count}; a folder's count holds its descendants')."""
        payload = {"from": first, "to": last, "groupBy": group_by}
        return await self.query("get-usage", payload)

    async def list_invoices(
        self: _Invoker,
        tenant_id: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> Json:
        """One page of invoices and credit notes, newest first: `invoices` and `next`."""
        payload = _present({"tenantId": tenant_id, "after": after, "limit": limit})
        return await self.query("list-invoices", payload)

    async def get_invoice(self: _Invoker, invoice_id: str, tenant_id: str | None = None) -> Json:
        """An invoice with its lines and its credit notes."""
        payload = _present({"invoiceId": invoice_id, "tenantId": tenant_id})
        return await self.query("get-invoice", payload)

    async def list_invoice_operations(
        self: _Invoker,
        invoice_id: str,
        line_id: str,
        after: str | None = None,
        limit: int | None = None,
        tenant_id: str | None = None,
    ) -> Json:
        """One page of the metered invocations a line counts: `operations` and `next`."""
        payload = _present(
            {
                "invoiceId": invoice_id,
                "lineId": line_id,
                "after": after,
                "limit": limit,
                "tenantId": tenant_id,
            }
        )
        return await self.query("list-invoice-operations", payload)

    # The back-office (the platform's operator).

    async def list_tenants(
        self: _Invoker,
        text: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> Json:
        """One page of tenants, found by `text`: `tenants` and `next`."""
        payload = _present({"text": text, "after": after, "limit": limit})
        return await self.query("list-tenants", payload)

    async def get_tenant(self: _Invoker, tenant_id: str) -> Json:
        """A tenant's plan, modules, features, cycle and open investigations."""
        return await self.query("get-tenant", {"tenantId": tenant_id})

    async def set_tenant_plan(
        self: _Invoker, tenant_id: str, plan: str, **options: Unpack[CallOptions]
    ) -> Json:
        payload = {"tenantId": tenant_id, "plan": plan}
        return await self.command("set-tenant-plan", payload, **options)

    async def enable_module(
        self: _Invoker, tenant_id: str, module: str, **options: Unpack[CallOptions]
    ) -> Json:
        payload = {"tenantId": tenant_id, "module": module}
        return await self.command("enable-module", payload, **options)

    async def disable_module(
        self: _Invoker, tenant_id: str, module: str, **options: Unpack[CallOptions]
    ) -> Json:
        payload = {"tenantId": tenant_id, "module": module}
        return await self.command("disable-module", payload, **options)

    async def set_tenant_feature(
        self: _Invoker,
        tenant_id: str,
        feature: str,
        value: bool | int | str,
        **options: Unpack[CallOptions],
    ) -> Json:
        payload = {"tenantId": tenant_id, "feature": feature, "value": value}
        return await self.command("set-tenant-feature", payload, **options)

    async def rotate_tenant_key(
        self: _Invoker, tenant_id: str, **options: Unpack[CallOptions]
    ) -> Json:
        """Give the tenant a new key, its data keys re-wrapped (`version`, `rewrapped`)."""
        return await self.command("rotate-tenant-key", {"tenantId": tenant_id}, **options)

    async def close_billing_cycle(
        self: _Invoker, tenant_id: str, **options: Unpack[CallOptions]
    ) -> Json:
        """Close the tenant's open cycle now: its invoice (`invoiceId`, `cycleId`)."""
        return await self.command("close-billing-cycle", {"tenantId": tenant_id}, **options)

    async def issue_credit_note(
        self: _Invoker,
        tenant_id: str,
        invoice_id: str,
        amount: Json,
        reason: str,
        **options: Unpack[CallOptions],
    ) -> Json:
        """A credit note of `amount` (Money on the wire) against an invoice."""
        payload = {"tenantId": tenant_id, "invoiceId": invoice_id, "amount": amount}
        return await self.command("issue-credit-note", payload | {"reason": reason}, **options)
