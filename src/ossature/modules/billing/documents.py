"""What invoices and credit notes share: their numbering, the plan a tenant is on, and the
pieces of an issued document as stored in its one event."""

from __future__ import annotations

from typing import Any

import msgspec

from ossature.kernel.deps import Deps
from ossature.kernel.money import Money, MoneyJson
from ossature.modules.billing.invoicing import Line
from ossature.modules.tenancy.catalog import Plan, catalog
from ossature.modules.tenancy.commands.set_tenant_plan import plan_stream

__all__ = ["InvoiceLine", "current_plan", "money_of", "next_number"]

# One series per tenant and year for invoices and credit notes alike: the counter's row lock
# orders concurrent issues, and a rolled-back issue gives its number back.
_NEXT = """insert into billing_numbers (tenant_id, year, last)
    values (current_setting('app.tenant_id', true), $1, 1)
    on conflict (tenant_id, year) do update set last = billing_numbers.last + 1
    returning last"""


class InvoiceLine(msgspec.Struct, frozen=True, rename="camel", kw_only=True):
    """A line as the invoice's event records it."""

    line_id: str
    kind: str
    module: str | None
    folder_id: str | None
    operations: int
    amount: MoneyJson

    @classmethod
    def of(cls, line: Line) -> InvoiceLine:
        return cls(
            line_id=line.line_id,
            kind=line.kind,
            module=line.module,
            folder_id=line.folder_id,
            operations=line.operations,
            amount=line.amount.as_json(),
        )


def money_of(json: MoneyJson | dict[str, Any]) -> Money:
    """Money from its wire form."""
    return Money(int(json["amount"]), str(json["currency"]))


async def next_number(conn: Any, year: int) -> str:
    """The tenant's next document number, `<year>-<NNNN>`, in the caller's transaction."""
    last = await conn.fetchval(_NEXT, year)
    return f"{year}-{last:04d}"


async def current_plan(deps: Deps, tenant_id: str) -> Plan:
    """The plan the tenant is on now: the last one set on its plan stream, else the
    catalog's default."""
    stream = await deps.uow.load(plan_stream(tenant_id))
    names = [e.payload["plan"] for e in stream.envelopes if e.event_type == "tenant-plan-set"]
    plans = catalog()
    return plans.plan(names[-1] if names else plans.default) or plans.plans[plans.default]
