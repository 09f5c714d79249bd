"""Billing for a tenant's administrators: this cycle's usage, its invoices, each invoice's
lines and the operations a line counts.

Every figure is the server's: get-usage rolls the operations up the folder tree, an
invoice's lines and totals come from get-invoice as Money (integer minor units and a
currency) and are drawn in the user's locale by Babel, never through a float. An operator
reads a tenant's invoice here too, naming the tenant (`?tenant=`).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import Json
from ossature.web._page import View, page

__all__ = ["ROUTES", "cycle_span", "in_tree_order"]

PAGE_SIZE = 20


def cycle_span(now: datetime) -> tuple[str, str]:
    """The days of this calendar month's cycle (UTC) up to tomorrow: `to` reaches past today
    whether the server reads it as included or not."""
    first = now.astimezone(UTC).date().replace(day=1)
    return first.isoformat(), (now.astimezone(UTC).date() + timedelta(days=1)).isoformat()


def in_tree_order(rows: list[Json]) -> list[dict[str, Any]]:
    """get-usage's folder rows, each under its parent, with its depth (for indenting); a row
    whose parent is not listed is a root."""
    keys = {row["key"] for row in rows}
    children: dict[str | None, list[Json]] = {}
    for row in rows:
        parent = row.get("parentId")
        children.setdefault(parent if parent in keys else None, []).append(row)
    ordered: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int) -> None:
        for row in children.get(parent, []):
            ordered.append({**row, "depth": depth})
            walk(row["key"], depth + 1)

    walk(None, 0)
    return ordered


async def billing(view: View) -> Response:
    abilities = await view.know()
    first, last = cycle_span(datetime.now(UTC))
    after = view.request.query_params.get("after") or None
    by_folder, by_module, invoices = await asyncio.gather(
        view.client.get_usage(first, last, "folder"),
        view.client.get_usage(first, last, "module"),
        view.client.list_invoices(after=after, limit=PAGE_SIZE),
    )
    quota = by_folder.get("quota")
    return view.render(
        "pages/billing/billing.html",
        partial="invoices",
        plan=abilities.plan,
        first=first,
        used=int(by_folder["total"]),
        quota=None if quota is None else int(quota),
        folders=in_tree_order(list(by_folder["rows"])),
        modules=list(by_module["rows"]),
        invoices=list(invoices["invoices"]),
        following=invoices.get("next"),
        after=after,
        query=view.request.query_params,
    )


async def invoice(view: View) -> Response:
    invoice_id = view.request.path_params["invoice_id"]
    tenant = view.request.query_params.get("tenant") or None
    found = await view.client.get_invoice(invoice_id, tenant)
    return view.render("pages/billing/invoice.html", invoice=found, tenant=tenant)


async def line_operations(view: View) -> Response:
    invoice_id = view.request.path_params["invoice_id"]
    line_id = view.request.path_params["line_id"]
    query = view.request.query_params
    after = query.get("after") or None
    tenant = query.get("tenant") or None
    found, operations = await asyncio.gather(
        view.client.get_invoice(invoice_id, tenant),
        view.client.list_invoice_operations(
            invoice_id, line_id, after=after, limit=PAGE_SIZE, tenant_id=tenant
        ),
    )
    line = next((one for one in found["lines"] if one["lineId"] == line_id), None)
    if line is None:
        return view.render("pages/problem.html", 404, error=None, text=view.t("problem.not-found"))
    return view.render(
        "pages/billing/operations.html",
        partial="operations",
        invoice=found,
        tenant=tenant,
        line=line,
        operations=list(operations["operations"]),
        following=operations.get("next"),
        after=after,
        query=query,
    )


ROUTES = [
    Route("/billing", page(billing), methods=["GET"]),
    Route("/billing/invoices/{invoice_id}", page(invoice), methods=["GET"]),
    Route("/billing/invoices/{invoice_id}/lines/{line_id}", page(line_operations), methods=["GET"]),
]
