"""Billing: what each tenant used and owes. Every successful command of a product module is
metered in its own transaction, counted against the plan's quota, and billed when its cycle
closes (the plans themselves are tenancy's catalog, decision 70).

This table is the module: its commands (one file each under `commands/`), queries, event
types and projections. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import Anyone, AnyScope, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.billing import invoice_queries, queries
from ossature.modules.billing.commands import close_billing_cycle, issue_credit_note
from ossature.modules.billing.invoices import INVOICES
from ossature.modules.billing.projections import CYCLES

__all__ = ["MODULE"]

EVENTS: list[type[Event]] = [
    close_billing_cycle.InvoiceIssued,
    issue_credit_note.CreditNoteIssued,
]

MODULE = Module(
    name="billing",
    commands=[
        CommandSpec(
            "close-billing-cycle",
            close_billing_cycle.CloseBillingCycle,
            close_billing_cycle.close_billing_cycle,
            AnyScope("platform.billing"),
        ),
        CommandSpec(
            "issue-credit-note",
            issue_credit_note.IssueCreditNote,
            issue_credit_note.issue_credit_note,
            AnyScope("platform.billing"),
        ),
    ],
    queries=[
        QuerySpec(
            "get-usage",
            queries.GetUsage,
            queries.get_usage,
            AtFolder("billing.read", queries.tenant_root),
        ),
        # A tenant's admins read their own, operators any tenant's: decided in the handler
        # (invoice_queries.readable_tenant), since the action depends on whose invoices.
        QuerySpec(
            "list-invoices",
            invoice_queries.ListInvoices,
            invoice_queries.list_invoices,
            Anyone(),
        ),
        QuerySpec(
            "get-invoice",
            invoice_queries.GetInvoice,
            invoice_queries.get_invoice,
            Anyone(),
        ),
        QuerySpec(
            "list-invoice-operations",
            invoice_queries.ListInvoiceOperations,
            invoice_queries.list_invoice_operations,
            Anyone(),
        ),
    ],
    events=EVENTS,
    projections=[CYCLES, INVOICES],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)
