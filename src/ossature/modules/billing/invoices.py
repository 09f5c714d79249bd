"""The invoices read model (`billing-invoices`, inline: an invoice is readable once its
command answers): one row per invoice or credit note, the document as issued, and for an
invoice what its credit notes took off its total."""

from __future__ import annotations

from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from ossature.modules.billing.commands.close_billing_cycle import InvoiceIssued
from ossature.modules.billing.commands.issue_credit_note import CreditNoteIssued

__all__ = ["INVOICES"]

_INVOICE = """insert into invoices (tenant_id, invoice_id, kind, number, cycle_id, starts_at,
        ends_at, plan, currency, total, issued_at, document)
    values ($1, $2, 'invoice', $3, $4, $5, $6, $7, $8, $9, $10, $11)"""
# A credit note takes its invoice's cycle, bounds and plan; the invoice's `credited` grows.
_CREDIT_NOTE = """insert into invoices (tenant_id, invoice_id, kind, number, invoice_of,
        cycle_id, starts_at, ends_at, plan, currency, total, issued_at, document)
    select $1, $2, 'credit-note', $3, invoice_id, cycle_id, starts_at, ends_at, plan,
        currency, -$4::bigint, $5, $6
    from invoices where invoice_id = $7"""
_CREDITED = "update invoices set credited = credited + $2 where invoice_id = $1"


async def _invoice_issued(conn: Any, envelope: Envelope) -> None:
    issued = envelope.decode(InvoiceIssued)
    assert isinstance(issued, InvoiceIssued)
    await conn.execute(
        _INVOICE,
        envelope.tenant_id,
        issued.invoice_id,
        issued.number,
        issued.cycle_id,
        issued.starts_at,
        issued.ends_at,
        issued.plan,
        issued.currency,
        issued.total["amount"],
        issued.issued_at,
        envelope.payload,
    )


async def _credit_note_issued(conn: Any, envelope: Envelope) -> None:
    credit = envelope.decode(CreditNoteIssued)
    assert isinstance(credit, CreditNoteIssued)
    amount = credit.amount["amount"]
    await conn.execute(
        _CREDIT_NOTE,
        envelope.tenant_id,
        credit.credit_note_id,
        credit.number,
        amount,
        credit.issued_at,
        envelope.payload,
        credit.invoice_id,
    )
    await conn.execute(_CREDITED, credit.invoice_id, amount)


INVOICES = Projection(
    name="billing-invoices",
    handlers={
        InvoiceIssued.name: _invoice_issued,
        CreditNoteIssued.name: _credit_note_issued,
    },
    tables=("invoices",),
    inline=True,
)
