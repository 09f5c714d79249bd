"""list-sagas: every tenant's sagas, newest first, for the platform's operators (decision
106): which are running, completed, compensated or stuck. One statement, a function that
reads past row-level security."""

from __future__ import annotations

from typing import Annotated, Literal, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload

__all__ = ["ListSagas", "SagaList", "SagaRow", "list_sagas"]


class ListSagas(Payload, frozen=True):
    state: Literal["running", "completed", "compensated", "stuck"] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=500)] = 100


class SagaRow(TypedDict):
    sagaId: str
    tenantId: str
    type: str
    state: str
    correlation: str
    deadline: str | None
    startedAt: str
    updatedAt: str


class SagaList(TypedDict):
    sagas: list[SagaRow]


async def list_sagas(ctx: Context, query: ListSagas, deps: Deps) -> SagaList:
    """The newest sagas (at most `limit`), of one state or all."""
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch("select * from backoffice_sagas($1, $2)", query.state, query.limit)
    sagas: list[SagaRow] = [
        {
            "sagaId": row["saga_id"],
            "tenantId": row["tenant_id"],
            "type": row["saga_type"],
            "state": row["state"],
            "correlation": row["correlation"],
            "deadline": row["deadline"].isoformat() if row["deadline"] else None,
            "startedAt": row["started_at"].isoformat(),
            "updatedAt": row["updated_at"].isoformat(),
        }
        for row in rows
    ]
    return {"sagas": sagas}
