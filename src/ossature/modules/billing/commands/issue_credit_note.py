"""issue-credit-note: a platform operator corrects an issued invoice (decision 80).

A credit note is a document of its own, on its own stream, with a negative total: the
invoice's stream is never appended again. Its amount is in the invoice's currency and never
more than what the invoice's earlier credit notes left of its total; the invoice's row is
locked while this is checked, so two credit notes at once cannot pass it together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.kernel.money import Money, MoneyJson
from ossature.modules.billing.commands.close_billing_cycle import Id, own_or_platform
from ossature.modules.billing.documents import next_number
from ossature.modules.billing.errors import (
    CreditCurrencyMismatch,
    CreditExceedsInvoice,
    CreditOfACreditNote,
    InvoiceNotFound,
)
from ossature.modules.tenancy.commands.set_tenant_plan import existing_tenant

__all__ = [
    "CreditAmount",
    "CreditNoteIssued",
    "CreditNoteIssuedAnswer",
    "IssueCreditNote",
    "decide_credit",
    "issue_credit_note",
]

_INVOICE = """select kind, currency, total, credited from invoices
    where invoice_id = $1 for update"""


class CreditAmount(Payload, frozen=True):
    amount: Annotated[int, msgspec.Meta(gt=0, le=10**15)]
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]


class IssueCreditNote(Payload, frozen=True):
    tenant_id: Id
    invoice_id: Id
    amount: CreditAmount
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class CreditNoteIssued(Event, frozen=True):
    name = "credit-note-issued"

    credit_note_id: str
    number: str
    invoice_id: str
    amount: MoneyJson  # what it credits (positive); its total is the negative
    reason: str
    issued_at: datetime


class CreditNoteIssuedAnswer(TypedDict):
    invoiceId: str
    creditNoteId: str
    number: str
    total: MoneyJson


def decide_credit(
    credit_note_id: str, number: str, cmd: IssueCreditNote, invoice: Any, now: datetime
) -> CreditNoteIssued:
    """The credit note, unless the invoice is none, of another currency, or has less left."""
    if invoice["kind"] != "invoice":
        raise CreditOfACreditNote({"invoiceId": cmd.invoice_id})
    if cmd.amount.currency != invoice["currency"]:
        raise CreditCurrencyMismatch(
            {"currency": cmd.amount.currency, "invoiceCurrency": invoice["currency"]}
        )
    remaining = Money(invoice["total"] - invoice["credited"], invoice["currency"])
    if cmd.amount.amount > remaining.amount:
        raise CreditExceedsInvoice({"remaining": str(remaining), "invoiceId": cmd.invoice_id})
    amount = Money(cmd.amount.amount, cmd.amount.currency)
    return CreditNoteIssued(
        credit_note_id=credit_note_id,
        number=number,
        invoice_id=cmd.invoice_id,
        amount=amount.as_json(),
        reason=cmd.reason.strip(),
        issued_at=now,
    )


async def issue_credit_note(
    ctx: Context, cmd: IssueCreditNote, deps: Deps
) -> CreditNoteIssuedAnswer:
    tenant_id = own_or_platform(ctx, cmd.tenant_id)
    await existing_tenant(deps, tenant_id)
    deps.uow.use_tenant(tenant_id)
    credit_note_id = new_id()
    async with deps.db.transaction(tenant_id) as conn:
        invoice = await conn.fetchrow(_INVOICE, cmd.invoice_id)
        if invoice is None:
            raise InvoiceNotFound({"invoiceId": cmd.invoice_id})
        number = await next_number(conn, deps.now.year)  # a refusal rolls it back
        event = decide_credit(credit_note_id, number, cmd, invoice, deps.now)
    deps.uow.append("credit-note", f"credit-note:{credit_note_id}", 0, [event])
    total = (-Money(cmd.amount.amount, cmd.amount.currency)).as_json()
    return {
        "invoiceId": cmd.invoice_id,
        "creditNoteId": credit_note_id,
        "number": event.number,
        "total": total,
    }
