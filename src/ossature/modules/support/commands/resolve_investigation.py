"""resolve-investigation: the platform's operator answers an investigation and closes it.

The investigation lives in the reporter's tenant: the command learns that tenant and appends
there, so the reporter's read model, audit and notification are their tenant's (decision 65).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope, Event, Payload
from ossature.kernel.notice import Notice
from ossature.modules.support import errors
from ossature.modules.support.repository import load_investigation
from ossature.modules.support.state import (
    Investigation,
    InvestigationEvent,
    InvestigationId,
)

__all__ = [
    "NOTICE",
    "InvestigationResolved",
    "ResolveInvestigation",
    "ResolveInvestigationAnswer",
    "decide_resolve",
    "resolve_investigation",
]


class ResolveInvestigation(Payload, frozen=True):
    id: InvestigationId
    answer: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=r"\S")]


class InvestigationResolved(InvestigationEvent, frozen=True):
    name = "investigation-resolved"

    investigation_id: str
    reporter_id: str
    invocation_name: str
    answer: str
    operator_id: str
    resolved_at: datetime

    def evolve(self, investigation: Investigation) -> Investigation:
        return replace(
            investigation,
            status="resolved",
            answer=self.answer,
            resolved_at=self.resolved_at,
            resolved_by=self.operator_id,
        )


class ResolveInvestigationAnswer(TypedDict):
    investigationId: str
    version: int


def decide_resolve(
    investigation: Investigation, answer: str, operator_id: str, now: datetime
) -> list[Event]:
    """An open investigation is resolved once; a second answer is refused."""
    if investigation.status == "resolved":
        raise errors.AlreadyResolved({"investigationId": investigation.investigation_id})
    resolved = InvestigationResolved(
        investigation_id=investigation.investigation_id,
        reporter_id=investigation.reporter_id,
        invocation_name=investigation.invocation_name,
        answer=answer.strip(),
        operator_id=operator_id,
        resolved_at=now,
    )
    return [resolved]


async def resolve_investigation(
    ctx: Context, cmd: ResolveInvestigation, deps: Deps
) -> ResolveInvestigationAnswer:
    assert ctx.access is not None
    async with deps.db.transaction(ctx.access.tenant_id) as conn:
        tenant_id = await conn.fetchval("select support_investigation_tenant($1)", cmd.id)
    if tenant_id is None:
        raise errors.InvestigationNotFound({"investigationId": cmd.id})
    deps.uow.use_tenant(tenant_id)
    investigation = await load_investigation(deps, cmd.id)
    events = decide_resolve(investigation, cmd.answer, ctx.access.account_id, deps.now)
    deps.uow.append("investigation", cmd.id, investigation.version, events)
    return {"investigationId": cmd.id, "version": investigation.version + len(events)}


def the_reporter(envelope: Envelope) -> list[str]:
    """Who is told: the reporter alone."""
    return [str(envelope.payload["reporterId"])]


def no_payload(envelope: Envelope) -> Mapping[str, Any]:
    """list-my-reports takes nothing: any account of the tenant may call it."""
    return {}


NOTICE = Notice(
    InvestigationResolved.name,
    "notifications.investigation-resolved",
    "list-my-reports",
    no_payload,
    to=the_reporter,
)
