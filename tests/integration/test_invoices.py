"""Closing billing cycles: invoices whose lines sum to their total and trace to the meter,
credit notes, the scheduler's closings, and who may read them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from ossature.kernel.ids import new_id
from ossature.modules.billing.closing import claim_due_cycles
from ossature.modules.billing.cycles import open_cycle, open_next
from ossature.modules.tenancy.catalog import catalog
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.pipeline import Result
from ossature.runtime.scheduler import Scheduler, billing_actor
from ossature.runtime.system import System
from tests.integration.support import Tenant, eventually, make_tenant


async def as_operator(
    system: System, kind: str, name: str, payload: Any, key: str | None = None
) -> Result:
    assert system.pipeline is not None
    return await system.pipeline.invoke(kind, name, payload, internal_context(OPERATOR, key))  # type: ignore[arg-type]


async def operate(system: System, name: str, payload: Any) -> dict[str, Any]:
    result = await as_operator(system, "command", name, payload)
    assert 200 == result.status, (name, result.error and result.error.key)
    return dict(result.body)


async def read(system: System, name: str, payload: Any) -> dict[str, Any]:
    result = await as_operator(system, "query", name, payload)
    assert 200 == result.status, (name, result.error and result.error.key)
    return dict(result.body)


async def the_open_cycle(tenant: Tenant) -> Any:
    """The tenant's open cycle, opened this month on the default plan if it has none."""
    db = tenant.system.db
    async with db.transaction(tenant.tenant_id) as conn:
        cycle = await open_cycle(conn, tenant.tenant_id)
        if cycle is None:
            now = datetime.now(UTC)
            start = datetime(now.year, now.month, 1, tzinfo=UTC)
            plans = catalog()
            cycle = await open_next(conn, tenant.tenant_id, start, plans.plans[plans.default])
    return cycle


async def metered(tenant: Tenant, folder: str, count: int) -> None:
    """`count` projects made by the admin in `folder`: metered operations of projects."""
    for n in range(count):
        await tenant.command(
            "admin", "create-project", {"folderId": tenant.folders[folder], "name": f"p{n}"}
        )


async def meter_count(tenant: Tenant, cycle_id: str) -> int:
    async with tenant.system.db.transaction(tenant.tenant_id) as conn:
        return int(
            await conn.fetchval("select count(*) from meter_entries where cycle_id = $1", cycle_id)
        )


async def move_cycle(system: System, tenant_id: str, starts_at: datetime) -> None:
    """Put the tenant's open cycle (no operations yet) back to the month of `starts_at`."""
    owner = await asyncpg.connect(system.owner_url)
    try:
        ends = datetime(
            starts_at.year + starts_at.month // 12, starts_at.month % 12 + 1, 1, tzinfo=UTC
        )
        await owner.execute(
            "update billing_cycles set cycle_id = $2, starts_at = $3, ends_at = $4"
            " where tenant_id = $1 and closed_at is null",
            tenant_id,
            f"moved-{new_id()}",
            starts_at,
            ends,
        )
    finally:
        await owner.close()


async def test_closing_a_cycle_issues_an_invoice_whose_lines_sum_to_its_total(
    system: System, tenant: Tenant
) -> None:
    """Lines per (module, folder) carry every metered operation, sum to the total, and each
    lists the meter entries it counts."""
    cycle = await the_open_cycle(tenant)
    await metered(tenant, "France", 3)
    await metered(tenant, "US", 2)
    counted = await meter_count(tenant, cycle.cycle_id)

    closed = await operate(system, "close-billing-cycle", {"tenantId": tenant.tenant_id})
    invoice = await read(
        system, "get-invoice", {"invoiceId": closed["invoiceId"], "tenantId": tenant.tenant_id}
    )

    lines = invoice["lines"]
    assert cycle.cycle_id == closed["cycleId"] == invoice["cycleId"]
    assert invoice["total"]["amount"] == sum(line["amount"]["amount"] for line in lines)
    assert counted == invoice["operations"] == sum(line["operations"] for line in lines)
    assert {("France", 3), ("US", 2)} == {
        (line["folderName"], line["operations"]) for line in lines if line["kind"] == "operations"
    }
    for line in lines:
        listed = await read(
            system,
            "list-invoice-operations",
            {
                "invoiceId": invoice["invoiceId"],
                "lineId": line["lineId"],
                "tenantId": tenant.tenant_id,
            },
        )
        assert line["operations"] == len(listed["operations"])
        assert {"create-project"} >= {op["command"] for op in listed["operations"]}


async def test_the_next_cycle_opens_where_the_closed_one_ended(
    system: System, tenant: Tenant
) -> None:
    """An operator's early closing ends the cycle now; the next runs from then to the month's end."""
    cycle = await the_open_cycle(tenant)
    await operate(system, "close-billing-cycle", {"tenantId": tenant.tenant_id})
    async with system.db.transaction(tenant.tenant_id) as conn:
        closed_at = await conn.fetchval(
            "select closed_at from billing_cycles where cycle_id = $1", cycle.cycle_id
        )
        following = await open_cycle(conn, tenant.tenant_id)
    assert following is not None
    assert (closed_at, cycle.ends_at, 0) == (following.starts_at, following.ends_at, following.used)
    assert closed_at < cycle.ends_at


async def test_a_retried_closing_issues_nothing_twice(system: System, tenant: Tenant) -> None:
    await the_open_cycle(tenant)
    key = new_id()
    payload = {"tenantId": tenant.tenant_id}
    first = await as_operator(system, "command", "close-billing-cycle", payload, key)
    again = await as_operator(system, "command", "close-billing-cycle", payload, key)
    listed = await read(system, "list-invoices", {"tenantId": tenant.tenant_id})
    assert (200, 200) == (first.status, again.status)
    assert first.body == again.body
    assert [first.body["invoiceId"]] == [i["invoiceId"] for i in listed["invoices"]]


async def test_invoices_are_numbered_per_tenant_and_year(system: System, tenant: Tenant) -> None:
    await the_open_cycle(tenant)
    year = datetime.now(UTC).year
    for _ in range(2):
        await operate(system, "close-billing-cycle", {"tenantId": tenant.tenant_id})
    listed = await read(system, "list-invoices", {"tenantId": tenant.tenant_id})
    assert [f"{year}-0002", f"{year}-0001"] == [i["number"] for i in listed["invoices"]]


async def test_closing_an_unknown_tenant_s_cycle_is_refused(system: System) -> None:
    result = await as_operator(system, "command", "close-billing-cycle", {"tenantId": "no-such"})
    assert (404, "tenancy.tenant-not-found") == (result.status, result.error and result.error.key)


async def test_the_scheduler_closes_each_overdue_cycle_in_turn(
    system: System, tenant: Tenant
) -> None:
    """A cycle two months overdue is closed at its end, then the next one, up to this month's."""
    plan = (await the_open_cycle(tenant)).plan
    now = datetime.now(UTC)
    two_back = datetime(now.year, now.month, 1, tzinfo=UTC) - timedelta(days=40)
    start = datetime(two_back.year, two_back.month, 1, tzinfo=UTC)
    await move_cycle(system, tenant.tenant_id, start)
    assert system.pipeline is not None

    await Scheduler(system.scheduler_db, system.pipeline).close_due_cycles(now)

    async def invoices() -> list[dict[str, Any]]:
        return (await read(system, "list-invoices", {"tenantId": tenant.tenant_id}))["invoices"]

    issued = await eventually(invoices, lambda found: len(found) >= 2)
    base = catalog().plans[plan].base_fee.amount
    assert [base, base] == [i["total"]["amount"] for i in issued]
    assert [start.isoformat()] == [
        i["startsAt"] for i in issued if i["startsAt"] == start.isoformat()
    ]
    async with system.db.transaction(tenant.tenant_id) as conn:
        current = await open_cycle(conn, tenant.tenant_id)
    assert current is not None
    assert (now.year, now.month, 1) == (
        current.starts_at.year,
        current.starts_at.month,
        current.starts_at.day,
    )


async def test_two_schedulers_close_one_due_cycle_once(system: System, tenant: Tenant) -> None:
    await the_open_cycle(tenant)
    now = datetime.now(UTC)
    start = datetime(now.year, now.month, 1, tzinfo=UTC) - timedelta(days=1)
    await move_cycle(system, tenant.tenant_id, datetime(start.year, start.month, 1, tzinfo=UTC))
    assert system.pipeline is not None
    schedulers = [Scheduler(system.scheduler_db, system.pipeline) for _ in range(2)]

    await asyncio.gather(*(s.close_due_cycles(now) for s in schedulers))

    listed = await read(system, "list-invoices", {"tenantId": tenant.tenant_id})
    assert 1 == len(listed["invoices"])


async def test_two_claims_at_once_share_the_due_cycles(system: System) -> None:
    tenants = [await make_tenant(system) for _ in range(3)]
    now = datetime.now(UTC)
    start = datetime(now.year, now.month, 1, tzinfo=UTC) - timedelta(days=1)
    for tenant in tenants:
        await the_open_cycle(tenant)
        await move_cycle(system, tenant.tenant_id, datetime(start.year, start.month, 1, tzinfo=UTC))
    first, second = await asyncio.gather(
        claim_due_cycles(system.scheduler_db, now), claim_due_cycles(system.scheduler_db, now)
    )
    ours = {t.tenant_id for t in tenants}
    claimed = [due.tenant_id for due in first + second if due.tenant_id in ours]
    assert sorted(claimed) == sorted(set(claimed))
    assert not {d.tenant_id for d in first} & {d.tenant_id for d in second}


async def test_the_scheduler_s_actor_closes_only_its_own_tenant(
    system: System, tenant: Tenant
) -> None:
    other = await make_tenant(system)
    await the_open_cycle(other)
    assert system.pipeline is not None
    actor = billing_actor(tenant.tenant_id, tenant.folders["Global"])
    result = await system.pipeline.invoke(
        "command", "close-billing-cycle", {"tenantId": other.tenant_id}, internal_context(actor)
    )
    assert 403 == result.status


async def closed_invoice(system: System, tenant: Tenant) -> dict[str, Any]:
    await the_open_cycle(tenant)
    closed = await operate(system, "close-billing-cycle", {"tenantId": tenant.tenant_id})
    return await read(
        system, "get-invoice", {"invoiceId": closed["invoiceId"], "tenantId": tenant.tenant_id}
    )


def credit(
    tenant: Tenant, invoice: dict[str, Any], amount: int, currency: str = "EUR"
) -> dict[str, Any]:
    return {
        "tenantId": tenant.tenant_id,
        "invoiceId": invoice["invoiceId"],
        "amount": {"amount": amount, "currency": currency},
        "reason": "a goodwill gesture",
    }


async def test_a_credit_note_is_a_document_of_its_own(system: System, tenant: Tenant) -> None:
    invoice = await closed_invoice(system, tenant)
    part = invoice["total"]["amount"] // 2
    issued = await operate(system, "issue-credit-note", credit(tenant, invoice, part))
    again = await read(
        system, "get-invoice", {"invoiceId": invoice["invoiceId"], "tenantId": tenant.tenant_id}
    )
    listed = await read(system, "list-invoices", {"tenantId": tenant.tenant_id})
    assert {"amount": -part, "currency": "EUR"} == issued["total"]
    assert [("credit-note", -part), ("invoice", invoice["total"]["amount"])] == [
        (i["kind"], i["total"]["amount"]) for i in listed["invoices"]
    ]
    assert invoice["total"] == again["total"]
    assert invoice["total"]["amount"] - part == again["remaining"]["amount"]
    assert [issued["creditNoteId"]] == [c["invoiceId"] for c in again["creditNotes"]]


async def test_a_credit_note_never_exceeds_what_is_left_of_the_invoice(
    system: System, tenant: Tenant
) -> None:
    invoice = await closed_invoice(system, tenant)
    total = invoice["total"]["amount"]
    too_much = await as_operator(
        system, "command", "issue-credit-note", credit(tenant, invoice, total + 1)
    )
    other_currency = await as_operator(
        system, "command", "issue-credit-note", credit(tenant, invoice, 1, "USD")
    )
    listed = await read(system, "list-invoices", {"tenantId": tenant.tenant_id})
    assert (422, "billing.credit-exceeds-invoice") == (
        too_much.status,
        too_much.error and too_much.error.key,
    )
    assert (422, "billing.credit-currency-mismatch") == (
        other_currency.status,
        other_currency.error and other_currency.error.key,
    )
    assert ["invoice"] == [i["kind"] for i in listed["invoices"]]


async def test_two_credit_notes_at_once_never_pass_the_total_together(
    system: System, tenant: Tenant
) -> None:
    invoice = await closed_invoice(system, tenant)
    share = invoice["total"]["amount"] * 6 // 10
    results = await asyncio.gather(
        *(
            as_operator(system, "command", "issue-credit-note", credit(tenant, invoice, share))
            for _ in range(2)
        )
    )
    assert [200, 422] == sorted(r.status for r in results)


async def test_an_issued_invoice_s_stream_refuses_another_event(
    system: System, tenant: Tenant
) -> None:
    """Immutability is the database's: not even the owner appends to an invoice."""
    invoice = await closed_invoice(system, tenant)
    owner = await asyncpg.connect(system.owner_url)
    try:
        with pytest.raises(asyncpg.RaiseError, match="immutable"):
            await owner.execute(
                "insert into events (event_id, event_type, schema_version, stream_type, stream_id,"
                " stream_version, tenant_id, occurred_at, payload, context)"
                " select $1, event_type, 1, stream_type, stream_id, 2, tenant_id, now(), payload,"
                " context from events where stream_id = $2",
                new_id(),
                f"invoice:{invoice['invoiceId']}",
            )
        versions = await owner.fetchval(
            "select count(*) from events where stream_id = $1", f"invoice:{invoice['invoiceId']}"
        )
    finally:
        await owner.close()
    assert 1 == versions


async def test_a_tenant_s_admin_reads_its_own_invoices_and_no_one_else_s(
    system: System, tenant: Tenant
) -> None:
    invoice = await closed_invoice(system, tenant)
    other = await make_tenant(system)
    own = await tenant.invoke("admin", "query", "list-invoices", {})
    theirs = await other.invoke(
        "admin", "query", "get-invoice", {"invoiceId": invoice["invoiceId"]}
    )
    named = await other.invoke("admin", "query", "list-invoices", {"tenantId": tenant.tenant_id})
    viewer = await tenant.invoke("viewer", "query", "list-invoices", {})
    assert [invoice["invoiceId"]] == [i["invoiceId"] for i in own.body["invoices"]]
    assert (404, "billing.invoice-not-found") == (theirs.status, theirs.error and theirs.error.key)
    assert (403, 403) == (named.status, viewer.status)
