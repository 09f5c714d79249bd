"""report-problem: the reporter's own invocation failed unexpectedly; open an investigation.

The invocation is retried once, as the reporter, with `log.level=debug` and its own external
id (so a retry that succeeds is the one a client's "Try again" finds recorded), and the
investigation records the retry's answer (decision 64).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.modules.support import errors
from ossature.modules.support.kept import Kept, KeptInvocations, Retried, Retries
from ossature.modules.support.state import Investigation, InvestigationEvent, Retry

__all__ = [
    "Failure",
    "ProblemReported",
    "ReportProblem",
    "ReportProblemAnswer",
    "check_reportable",
    "decide_report",
    "report_problem",
    "retry_outcome",
]

_AUDITED = """select actor_id, status, name from audit_entries
    where invocation_id = $1 and actor_id = $2 order by entry_id limit 1"""


class ReportProblem(Payload, frozen=True):
    invocation_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    description: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class ProblemReported(InvestigationEvent, frozen=True):
    name = "problem-reported"

    investigation_id: str
    reporter_id: str
    invocation_id: str
    invocation_name: str
    description: str
    reported_at: datetime
    retry: str
    retry_status: int | None = None
    retry_invocation_id: str | None = None
    retry_message_key: str | None = None

    def evolve(self, investigation: Investigation) -> Investigation:
        return replace(
            Investigation(),
            investigation_id=self.investigation_id,
            reporter_id=self.reporter_id,
            invocation_id=self.invocation_id,
            invocation_name=self.invocation_name,
            description=self.description,
            reported_at=self.reported_at,
            retry=self.retry,
            retry_status=self.retry_status,
            retry_invocation_id=self.retry_invocation_id,
            retry_message_key=self.retry_message_key,
        )


class ReportProblemAnswer(TypedDict):
    investigationId: str
    retry: str
    retryStatus: int | None
    retryInvocationId: str | None


@dataclass(frozen=True)
class Failure:
    """What the store says of the reported invocation: whose it was, its status, its name."""

    actor_id: str
    status: int
    name: str


def check_reportable(
    invocation_id: str, reporter_id: str, failure: Failure | None, reported: str | None
) -> Failure:
    """The reporter's own invocation, answered 5xx, not reported before."""
    if failure is None or failure.actor_id != reporter_id:
        raise errors.InvocationNotFound({"invocationId": invocation_id})
    if failure.status < 500:
        raise errors.NotAFailure({"invocationId": invocation_id, "status": failure.status})
    if reported is not None:
        raise errors.AlreadyReported({"invocationId": invocation_id, "investigationId": reported})
    return failure


def retry_outcome(kept: Kept | None, retried: Retried | None) -> Retry:
    """What became of the retry, or why none was made."""
    if retried is not None:
        if retried.status < 300:
            return "succeeded"
        return "failed" if retried.status >= 500 else "refused"
    return "secret" if kept is not None else "not-kept"


def decide_report(
    investigation_id: str,
    cmd: ReportProblem,
    failure: Failure,
    now: datetime,
    retry: Retry,
    retried: Retried | None,
) -> ProblemReported:
    """The investigation, opened with the retry's outcome."""
    return ProblemReported(
        investigation_id=investigation_id,
        reporter_id=failure.actor_id,
        invocation_id=cmd.invocation_id,
        invocation_name=failure.name,
        description=cmd.description.strip(),
        reported_at=now,
        retry=retry,
        retry_status=retried.status if retried else None,
        retry_invocation_id=retried.invocation_id if retried else None,
        retry_message_key=retried.message_key if retried else None,
    )


async def report_problem(ctx: Context, cmd: ReportProblem, deps: Deps) -> ReportProblemAnswer:
    assert ctx.access is not None
    kept, failure, reported = await _read(ctx, cmd.invocation_id, deps)
    failure = check_reportable(cmd.invocation_id, ctx.access.account_id, failure, reported)
    retried = None
    if kept is not None and kept.payload is not None:
        retried = await deps.get(Retries).retry(ctx, kept)
    investigation_id = new_id()
    retry = retry_outcome(kept, retried)
    event = decide_report(investigation_id, cmd, failure, deps.now, retry, retried)
    deps.uow.append("investigation", investigation_id, 0, [event])
    return {
        "investigationId": investigation_id,
        "retry": retry,
        "retryStatus": event.retry_status,
        "retryInvocationId": event.retry_invocation_id,
    }


async def _read(
    ctx: Context, invocation_id: str, deps: Deps
) -> tuple[Kept | None, Failure | None, str | None]:
    """The kept invocation, else its audit entry; the investigation already opened for it."""
    assert ctx.access is not None
    tenant, actor = ctx.access.tenant_id, ctx.access.account_id
    async with deps.db.transaction(tenant) as conn:
        reported = await conn.fetchval(
            "select investigation_id from investigations where invocation_id = $1", invocation_id
        )
        kept = await deps.get(KeptInvocations).find(conn, tenant, invocation_id)
        row: Any = None if kept else await conn.fetchrow(_AUDITED, invocation_id, actor)
    if kept is not None:
        return kept, Failure(kept.actor_id, kept.status, kept.name), reported
    return None, Failure(row["actor_id"], row["status"], row["name"]) if row else None, reported
