"""The scheduler role: every `interval`, run the login extracts that are due.

Each run is an invocation of `run-login-extract` through the pipeline, by a
service actor of the source's tenant, so it is authorized, audited, logged and
measured like any other. Several schedulers (processes) may run: each due run
is claimed by one of them only (see `modules/analytics/schedule.py`). A
scheduler that was stopped for a while runs each overdue source once, then
follows the schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any

from ossature.kernel.context import Actor, Grant
from ossature.kernel.logging import get_logger
from ossature.modules.analytics.schedule import DueExtract, claim_due
from ossature.runtime.contexts import internal_context
from ossature.runtime.pipeline import Pipeline, Result

__all__ = ["Scheduler", "analytics_actor"]

_log = get_logger("ossature.scheduler")


def analytics_actor(tenant_id: str, root_folder_id: str, account_id: str) -> Actor:
    """A service actor that may run a tenant's extracts and read its series, nothing else."""
    return Actor(
        account_id=account_id,
        kind="service",
        tenant_id=tenant_id,
        mechanism="internal",
        grants=(Grant(role="analytics-service", folder_id=root_folder_id),),
    )


class Scheduler:
    """Claims due extracts and runs them, a few at a time."""

    def __init__(
        self, db: Any, pipeline: Pipeline, interval: float = 15.0, concurrency: int = 4
    ) -> None:
        self.db, self.pipeline = db, pipeline
        self.interval, self.concurrency = interval, concurrency

    async def tick(self, now: datetime) -> list[tuple[DueExtract, Result]]:
        """Run every extract due at `now`; each with its result."""
        gate = asyncio.Semaphore(self.concurrency)

        async def run(due: DueExtract) -> tuple[DueExtract, Result]:
            async with gate:
                return due, await self._run(due)

        return list(await asyncio.gather(*(run(due) for due in await claim_due(self.db, now))))

    async def _run(self, due: DueExtract) -> Result:
        actor = analytics_actor(due.tenant_id, due.root_folder_id, "login-extract-scheduler")
        ctx = internal_context(actor)
        return await self.pipeline.invoke(
            "command", "run-login-extract", {"source": due.source}, ctx
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every `interval` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await self.tick(datetime.now(UTC))
            except Exception:
                _log.exception("scheduler.tick-failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
