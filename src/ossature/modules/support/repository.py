"""Reading an investigation: its stream, folded. Shared by the commands and the queries."""

from __future__ import annotations

from ossature.kernel.deps import Deps
from ossature.modules.support import errors
from ossature.modules.support.state import Investigation, replay

__all__ = ["load_investigation"]


async def load_investigation(deps: Deps, investigation_id: str) -> Investigation:
    """The investigation's current state from its stream (in the unit of work's tenant), or
    InvestigationNotFound (also for other tenants)."""
    stream = await deps.uow.load(investigation_id)
    if not stream.envelopes:
        raise errors.InvestigationNotFound({"investigationId": investigation_id})
    return replay(stream.events, stream.version)
