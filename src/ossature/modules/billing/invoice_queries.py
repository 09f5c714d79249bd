"""Reading invoices: list-invoices, get-invoice, list-invoice-operations (decision 81).

A tenant's admins read their own (`billing.read` at the tenant's root); a platform operator
(`platform.billing`) names the tenant, and the reads run in a transaction confined to that
tenant once the actor is authorized, under the same row-level security as the tenant's own.
An invoice of another tenant is invisible, so 404.
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict, cast

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import Denied
from ossature.kernel.messages import Payload
from ossature.kernel.money import MoneyJson
from ossature.modules.billing.errors import InvoiceLineNotFound, InvoiceNotFound
from ossature.modules.tenancy.projections import root_folder_of

__all__ = [
    "GetInvoice",
    "InvoiceDocument",
    "InvoiceLineView",
    "InvoiceOperations",
    "InvoiceSummary",
    "Invoices",
    "ListInvoiceOperations",
    "ListInvoices",
    "get_invoice",
    "list_invoice_operations",
    "list_invoices",
    "readable_tenant",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=200)]

_COLUMNS = """invoice_id, number, kind, cycle_id, starts_at, ends_at, plan, currency, total,
    issued_at, document->>'reason' as reason"""
_LIST = f"""select {_COLUMNS} from invoices where ($1::text is null or invoice_id < $1)
    order by invoice_id desc limit $2"""  # noqa: S608
_CREDIT_NOTES = f"""select {_COLUMNS} from invoices where invoice_of = $1
    order by invoice_id"""  # noqa: S608
_ONE = f"""select {_COLUMNS}, document, credited from invoices
    where invoice_id = $1"""  # noqa: S608
_FOLDER_NAMES = "select folder_id, name from folders where folder_id = any($1::text[])"
_OPERATIONS = """select invocation_id, command, metered_at from meter_entries
    where cycle_id = $1 and module = $2 and folder_id is not distinct from $3
      and ($4::text is null or invocation_id > $4)
    order by invocation_id limit $5"""


class ListInvoices(Payload, frozen=True):
    tenant_id: Id | None = None
    after: Id | None = None  # the last invoiceId of the previous page
    limit: Limit = 20


class GetInvoice(Payload, frozen=True):
    invoice_id: Id
    tenant_id: Id | None = None


class ListInvoiceOperations(Payload, frozen=True):
    invoice_id: Id
    line_id: Id
    tenant_id: Id | None = None
    after: Id | None = None  # the last invocationId of the previous page
    limit: Limit = 100


class InvoiceSummary(TypedDict):
    invoiceId: str
    number: str
    kind: str
    cycleId: str
    startsAt: str
    endsAt: str
    plan: str
    total: MoneyJson
    issuedAt: str
    reason: NotRequired[str]  # a credit note's


class Invoices(TypedDict):
    invoices: list[InvoiceSummary]
    next: str | None


class InvoiceLineView(TypedDict):
    lineId: str
    kind: str
    module: str | None
    folderId: str | None
    folderName: str | None
    operations: int
    amount: MoneyJson


class InvoiceDocument(TypedDict):
    """The document as issued, the lines' folder names, and for an invoice its credit notes
    and what they left of its total. A credit note's own has no lines and no terms (zero),
    names its invoice and gives its reason."""

    invoiceId: str
    number: str
    kind: str
    cycleId: str
    startsAt: str
    endsAt: str
    plan: str
    currency: str
    baseFee: MoneyJson
    included: int
    operations: int
    blocks: int
    blockOperations: int
    blockPrice: MoneyJson
    consumption: MoneyJson
    total: MoneyJson
    remaining: MoneyJson
    lines: list[InvoiceLineView]
    creditNotes: list[InvoiceSummary]
    issuedAt: str
    invoiceOf: NotRequired[str]
    reason: NotRequired[str]


class MeteredOperation(TypedDict):
    invocationId: str
    command: str
    meteredAt: str


class InvoiceOperations(TypedDict):
    operations: list[MeteredOperation]
    next: str | None


async def readable_tenant(ctx: Context, deps: Deps, tenant_id: str | None) -> str:
    """The tenant whose invoices the actor may read: its own with `billing.read` at its root,
    any with `platform.billing`; Denied otherwise."""
    if deps.access.granting_folders(ctx, "platform.billing"):
        return tenant_id or str(ctx.tenant_id)
    own = tenant_id in (None, ctx.tenant_id)
    if own and await root_folder_of(deps, ctx) in deps.access.granting_folders(ctx, "billing.read"):
        return str(ctx.tenant_id)
    raise Denied()


async def list_invoices(ctx: Context, query: ListInvoices, deps: Deps) -> Invoices:
    """The tenant's invoices and credit notes, newest first, a page at a time."""
    tenant_id = await readable_tenant(ctx, deps, query.tenant_id)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_LIST, query.after, query.limit + 1)
    page = [_summary(row) for row in rows[: query.limit]]
    more = len(rows) > query.limit
    return {"invoices": page, "next": page[-1]["invoiceId"] if more else None}


async def get_invoice(ctx: Context, query: GetInvoice, deps: Deps) -> InvoiceDocument:
    """The document as issued, with its lines' folder names and its credit notes."""
    tenant_id = await readable_tenant(ctx, deps, query.tenant_id)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        row = await _document(conn, query.invoice_id)
        lines = list(row["document"].get("lines", []))
        folders = [line["folderId"] for line in lines if line["folderId"]]
        names = dict(await conn.fetch(_FOLDER_NAMES, folders)) if folders else {}
        credits = await conn.fetch(_CREDIT_NOTES, query.invoice_id)
    document = _terms(row) if row["kind"] == "invoice" else _credit_note(row)
    document["lines"] = [
        cast(InvoiceLineView, {**line, "folderName": names.get(line["folderId"])}) for line in lines
    ]
    document["creditNotes"] = [_summary(credit) for credit in credits]
    return document


def _terms(row: Any) -> InvoiceDocument:
    """An invoice's document: its event's payload, and what its credit notes left of it."""
    remaining = {"amount": row["total"] - row["credited"], "currency": row["currency"]}
    return cast(InvoiceDocument, {**row["document"], "kind": "invoice", "remaining": remaining})


def _credit_note(row: Any) -> InvoiceDocument:
    """A credit note's document: its invoice's cycle and plan, no terms, a negative total."""
    issued, currency = row["document"], row["currency"]
    zero: MoneyJson = {"amount": 0, "currency": currency}
    return {
        "invoiceId": row["invoice_id"],
        "number": row["number"],
        "kind": row["kind"],
        "cycleId": row["cycle_id"],
        "startsAt": row["starts_at"].isoformat(),
        "endsAt": row["ends_at"].isoformat(),
        "plan": row["plan"],
        "currency": currency,
        "baseFee": zero,
        "included": 0,
        "operations": 0,
        "blocks": 0,
        "blockOperations": 0,
        "blockPrice": zero,
        "consumption": zero,
        "total": {"amount": row["total"], "currency": currency},
        "remaining": zero,
        "lines": [],
        "creditNotes": [],
        "issuedAt": row["issued_at"].isoformat(),
        "invoiceOf": issued["invoiceId"],
        "reason": issued["reason"],
    }


async def list_invoice_operations(
    ctx: Context, query: ListInvoiceOperations, deps: Deps
) -> InvoiceOperations:
    """The metered invocations a line counts: the cycle's entries of its module and folder."""
    tenant_id = await readable_tenant(ctx, deps, query.tenant_id)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        document = (await _document(conn, query.invoice_id))["document"]
        line = _line(document, query)
        rows = []
        if line["kind"] == "operations":
            args = (document["cycleId"], line["module"], line["folderId"], query.after)
            rows = await conn.fetch(_OPERATIONS, *args, query.limit + 1)
    page: list[MeteredOperation] = [
        {
            "invocationId": row["invocation_id"],
            "command": row["command"],
            "meteredAt": row["metered_at"].isoformat(),
        }
        for row in rows[: query.limit]
    ]
    more = len(rows) > query.limit
    return {"operations": page, "next": page[-1]["invocationId"] if more else None}


async def _document(conn: Any, invoice_id: str) -> Any:
    row = await conn.fetchrow(_ONE, invoice_id)
    if row is None:
        raise InvoiceNotFound({"invoiceId": invoice_id})
    return row


def _line(document: dict[str, Any], query: ListInvoiceOperations) -> dict[str, Any]:
    for line in document.get("lines", []):
        if line["lineId"] == query.line_id:
            return dict(line)
    raise InvoiceLineNotFound({"invoiceId": query.invoice_id, "lineId": query.line_id})


def _summary(row: Any) -> InvoiceSummary:
    summary: InvoiceSummary = {
        "invoiceId": row["invoice_id"],
        "number": row["number"],
        "kind": row["kind"],
        "cycleId": row["cycle_id"],
        "startsAt": row["starts_at"].isoformat(),
        "endsAt": row["ends_at"].isoformat(),
        "plan": row["plan"],
        "total": {"amount": row["total"], "currency": row["currency"]},
        "issuedAt": row["issued_at"].isoformat(),
    }
    if row["reason"] is not None:  # a credit note's
        summary["reason"] = row["reason"]
    return summary
