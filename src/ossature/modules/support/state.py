"""An investigation's state, folded from its events. Pure: no I/O, no clock, no ids.

An investigation is opened by `report-problem` (one invocation that failed unexpectedly,
retried once) and closed by `resolve-investigation`; `replay` folds its stream in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Literal, TypedDict

import msgspec

from ossature.kernel.messages import Event, UnknownEvent, fold

__all__ = [
    "Investigation",
    "InvestigationEvent",
    "InvestigationId",
    "InvestigationView",
    "Retry",
    "replay",
]

InvestigationId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]

Retry = Literal["succeeded", "failed", "refused", "secret", "not-kept"]
"""What became of the retry: its answer (2xx, 5xx, another refusal), or why none was made
(the payload held a secret field, or it was not kept: too old, or never)."""


class InvestigationView(TypedDict):
    """An investigation as queries answer it."""

    investigationId: str
    tenantId: str
    reporterId: str
    invocationId: str
    invocationName: str
    description: str
    reportedAt: str
    retry: str
    retryStatus: int | None
    retryInvocationId: str | None
    retryMessageKey: str | None
    status: str  # open, resolved
    answer: str | None
    resolvedAt: str | None
    version: int


@dataclass(frozen=True)
class Investigation:
    """An investigation as its stream tells it (and a row of `investigations`); version 0 when
    the stream does not exist."""

    investigation_id: str = ""
    reporter_id: str = ""
    invocation_id: str = ""
    invocation_name: str = ""
    description: str = ""
    reported_at: datetime | None = None
    retry: str = "not-kept"
    retry_status: int | None = None
    retry_invocation_id: str | None = None
    retry_message_key: str | None = None
    status: str = "open"
    answer: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    version: int = 0

    def as_json(self, tenant_id: str) -> InvestigationView:
        return {
            "investigationId": self.investigation_id,
            "tenantId": tenant_id,
            "reporterId": self.reporter_id,
            "invocationId": self.invocation_id,
            "invocationName": self.invocation_name,
            "description": self.description,
            "reportedAt": self.reported_at.isoformat() if self.reported_at else "",
            "retry": self.retry,
            "retryStatus": self.retry_status,
            "retryInvocationId": self.retry_invocation_id,
            "retryMessageKey": self.retry_message_key,
            "status": self.status,
            "answer": self.answer,
            "resolvedAt": self.resolved_at.isoformat() if self.resolved_at else None,
            "version": self.version,
        }


class InvestigationEvent(Event, frozen=True):
    """An event of an investigation's stream. Each type defines `evolve`; one that does not is
    unknown to an investigation, and folding it raises."""

    def evolve(self, investigation: Investigation) -> Investigation:
        """The investigation after this event."""
        raise UnknownEvent(self.name, "an investigation's state")


def replay(events: Iterable[Event], version: int) -> Investigation:
    """The investigation after every event of its stream, up to `version`."""
    return replace(fold(Investigation(), events, InvestigationEvent), version=version)
