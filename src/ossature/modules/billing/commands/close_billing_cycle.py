"""close-billing-cycle: a tenant's open cycle ends, its invoice is issued and the next cycle
opens, in one transaction (decision 78).

The scheduler closes every cycle that is due, at its end; a platform operator may close one
early, now. The invoice charges the plan's terms as they are when it is issued and records
them; the next cycle starts where this one ended and runs to the next month boundary, on the
tenant's current plan. The cycle's row is locked first: two closings of one cycle are one
after the other, and the second finds it closed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import Denied
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.kernel.money import MoneyJson
from ossature.modules.access.commands.assign_role import OPERATOR_ROLES
from ossature.modules.billing.cycles import open_next
from ossature.modules.billing.documents import InvoiceLine, current_plan, next_number
from ossature.modules.billing.errors import CycleAlreadyClosed, NoOpenCycle
from ossature.modules.billing.invoicing import Bill, Terms, Usage, bill
from ossature.modules.tenancy.catalog import catalog
from ossature.modules.tenancy.commands.set_tenant_plan import existing_tenant

__all__ = [
    "BillingCycleClosed",
    "CloseBillingCycle",
    "InvoiceIssued",
    "close_billing_cycle",
    "decide_invoice",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]

_OPEN = """select cycle_id, starts_at, ends_at, plan from billing_cycles
    where closed_at is null for update"""
_USAGE = """select module, folder_id, count(*) as operations from meter_entries
    where cycle_id = $1 group by module, folder_id"""
_CLOSE = "update billing_cycles set closed_at = $2 where cycle_id = $1"


class CloseBillingCycle(Payload, frozen=True):
    tenant_id: Id
    # The cycle meant (the scheduler names the one it found due): refused once it is closed.
    cycle_id: Id | None = None


class InvoiceIssued(Event, frozen=True):
    name = "invoice-issued"

    invoice_id: str
    number: str
    cycle_id: str
    starts_at: datetime
    ends_at: datetime
    plan: str
    currency: str
    base_fee: MoneyJson
    included: int
    block_operations: int
    block_price: MoneyJson
    operations: int
    blocks: int
    consumption: MoneyJson
    total: MoneyJson
    lines: list[InvoiceLine]
    issued_at: datetime


class BillingCycleClosed(TypedDict):
    invoiceId: str
    cycleId: str


def decide_invoice(
    invoice_id: str, number: str, cycle: Any, ends_at: datetime, billed: Bill, now: datetime
) -> InvoiceIssued:
    """The invoice of `cycle` closed at `ends_at`, as `bill` made it."""
    terms = billed.terms
    return InvoiceIssued(
        invoice_id=invoice_id,
        number=number,
        cycle_id=cycle["cycle_id"],
        starts_at=cycle["starts_at"],
        ends_at=ends_at,
        plan=terms.plan,
        currency=terms.base_fee.currency,
        base_fee=terms.base_fee.as_json(),
        included=terms.included,
        block_operations=terms.block_operations,
        block_price=terms.block_price.as_json(),
        operations=billed.operations,
        blocks=billed.blocks,
        consumption=billed.consumption.as_json(),
        total=billed.total.as_json(),
        lines=[InvoiceLine.of(line) for line in billed.lines],
        issued_at=now,
    )


def own_or_platform(ctx: Context, tenant_id: str) -> str:
    """A platform operator acts on any tenant; another actor holding `platform.billing` (the
    scheduler's `billing-service`, which no tenant may assign) on its own only."""
    operator = ctx.access is not None and any(
        grant.role in OPERATOR_ROLES for grant in ctx.access.grants
    )
    if not operator and ctx.tenant_id != tenant_id:
        raise Denied()
    return tenant_id


async def close_billing_cycle(
    ctx: Context, cmd: CloseBillingCycle, deps: Deps
) -> BillingCycleClosed:
    tenant_id = own_or_platform(ctx, cmd.tenant_id)
    await existing_tenant(deps, tenant_id)
    deps.uow.use_tenant(tenant_id)
    plan = await current_plan(deps, tenant_id)
    invoice_id = new_id()
    async with deps.db.transaction(tenant_id) as conn:
        cycle = await _locked_cycle(conn, cmd.cycle_id)
        ends_at = min(deps.now, cycle["ends_at"])
        terms = Terms.of(catalog().plan(cycle["plan"]) or plan)
        usage = [
            Usage(r["module"], r["folder_id"], r["operations"])
            for r in await conn.fetch(_USAGE, cycle["cycle_id"])
        ]
        billed = bill(terms, cycle["starts_at"], ends_at, usage)
        number = await next_number(conn, deps.now.year)
        await conn.execute(_CLOSE, cycle["cycle_id"], ends_at)
        await open_next(conn, tenant_id, ends_at, plan)
    event = decide_invoice(invoice_id, number, cycle, ends_at, billed, deps.now)
    deps.uow.append("invoice", f"invoice:{invoice_id}", 0, [event])
    return {"invoiceId": invoice_id, "cycleId": cycle["cycle_id"]}


async def _locked_cycle(conn: Any, cycle_id: str | None) -> Any:
    """The tenant's open cycle, locked; the one named, if any, must be it."""
    cycle = await conn.fetchrow(_OPEN)
    if cycle_id is not None and (cycle is None or cycle["cycle_id"] != cycle_id):
        raise CycleAlreadyClosed({"cycleId": cycle_id})
    if cycle is None:
        raise NoOpenCycle()
    return cycle
