"""Queries of the support module: the actor's own reports, and every tenant's for the operator."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.messages import Payload
from ossature.modules.support.state import Investigation, InvestigationView

__all__ = [
    "ListInvestigations",
    "ListInvestigationsAnswer",
    "ListMyReports",
    "ListMyReportsAnswer",
    "OperatorView",
    "list_investigations",
    "list_my_reports",
]

Limit = Annotated[int, msgspec.Meta(ge=1, le=500)]
_MINE = """select * from investigations where reporter_id = $1
    order by reported_at desc, investigation_id desc limit $2"""
_ALL = "select * from support_investigations($1, $2)"


class ListMyReports(Payload, frozen=True):
    limit: Limit = 100


class ListMyReportsAnswer(TypedDict):
    reports: list[InvestigationView]


class ListInvestigations(Payload, frozen=True):
    status: Literal["open", "resolved"] | None = None
    limit: Limit = 100


class OperatorView(InvestigationView):
    """An investigation as the operator sees it: with its tenant's and reporter's names."""

    tenantName: str
    reporterName: str


class ListInvestigationsAnswer(TypedDict):
    investigations: list[OperatorView]


async def list_my_reports(ctx: Context, query: ListMyReports, deps: Deps) -> ListMyReportsAnswer:
    """The actor's investigations, newest first (an operator's answer once resolved)."""
    assert ctx.access is not None
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_MINE, ctx.access.account_id, query.limit)
    return {"reports": [_investigation(row).as_json(row["tenant_id"]) for row in rows]}


async def list_investigations(
    ctx: Context, query: ListInvestigations, deps: Deps
) -> ListInvestigationsAnswer:
    """Every tenant's investigations, newest first: the platform's operator's queue."""
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_ALL, query.status, query.limit)
    names = await _reporters(deps, rows)
    return {"investigations": [_operator_view(row, names) for row in rows]}


async def _reporters(deps: Deps, rows: list[Any]) -> dict[tuple[str, str], str]:
    """Each reporter's name opened in its tenant (sealed: decision 93), FORGOTTEN once
    forgotten; a reporter of no account keeps the id the SQL answers."""
    keys, names = deps.get(PersonalKeys), {}
    for tenant_id in sorted({row["tenant_id"] for row in rows}):
        mine = [row for row in rows if row["tenant_id"] == tenant_id]
        async with deps.db.transaction(tenant_id, readonly=True) as conn:
            opened = await keys.open_many(conn, tenant_id, [r["reporter_name"] for r in mine])
        for row, name in zip(mine, opened, strict=True):
            names[(tenant_id, row["investigation_id"])] = name or row["reporter_id"]
    return names


def _investigation(row: Any) -> Investigation:
    fields = Investigation.__dataclass_fields__
    return Investigation(**{k: row[k] for k in fields if k in row.keys()})  # noqa: SIM118


def _operator_view(row: Any, names: dict[tuple[str, str], str]) -> OperatorView:
    view = _investigation(row).as_json(row["tenant_id"])
    reporter = names[(row["tenant_id"], row["investigation_id"])]
    return {**view, "tenantName": row["tenant_name"] or "", "reporterName": reporter}
