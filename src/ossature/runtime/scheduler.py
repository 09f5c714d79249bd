"""The scheduler role: every `interval`, run the login extracts that are due and close the
billing cycles that have ended.

Each run is an invocation through the pipeline (`run-login-extract`, `close-billing-cycle`),
by a service actor of the tenant holding only the action it needs, so it is authorized,
audited, logged and measured like any other. Several schedulers (processes) may run: each
due run or cycle is claimed by one of them only (`modules/analytics/schedule.py`,
`modules/billing/closing.py`). A scheduler that was stopped for a while runs each overdue
source once, then follows the schedule, and closes each overdue cycle in turn: the next one,
opened where it ended, is due at once until the present month's. It also fires the timeout
step of the sagas past their deadline and counts them by state (`kernel/sagas.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ossature.kernel.context import Actor, Grant
from ossature.kernel.logging import get_logger
from ossature.kernel.sagas import Saga, SagaRecord, count_sagas, fire_timeouts
from ossature.modules.analytics.schedule import DueExtract, claim_due
from ossature.modules.billing.closing import DueCycle, claim_due_cycles
from ossature.runtime.contexts import internal_context
from ossature.runtime.pipeline import Pipeline, Result

__all__ = ["Scheduler", "analytics_actor", "billing_actor"]

# Closings per tick at most: a scheduler stopped for years catches up over a few ticks.
_CATCH_UP = 24

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


def billing_actor(tenant_id: str, root_folder_id: str) -> Actor:
    """A service actor that may close its tenant's billing cycles, nothing else."""
    return Actor(
        account_id="billing-scheduler",
        kind="service",
        tenant_id=tenant_id,
        mechanism="internal",
        grants=(Grant(role="billing-service", folder_id=root_folder_id),),
    )


class Scheduler:
    """Claims due extracts and runs them, a few at a time."""

    def __init__(
        self,
        db: Any,
        pipeline: Pipeline,
        interval: float = 15.0,
        concurrency: int = 4,
        sagas: Sequence[Saga] = (),
    ) -> None:
        self.db, self.pipeline = db, pipeline
        self.interval, self.concurrency = interval, concurrency
        self.sagas = sagas

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

    async def close_due_cycles(self, now: datetime) -> list[tuple[DueCycle, Result]]:
        """Close every cycle due at `now`, oldest first, and the cycles that follow them
        while they are due too (a stopped scheduler catching up); each with its result."""
        closed: list[tuple[DueCycle, Result]] = []
        for _ in range(_CATCH_UP):
            due = await claim_due_cycles(self.db, now)
            if not due:
                break
            closed += [(cycle, await self._close(cycle)) for cycle in due]
        return closed

    async def _close(self, due: DueCycle) -> Result:
        """One closing, keyed by its cycle: a repeat, by any scheduler, answers the first."""
        ctx = internal_context(
            billing_actor(due.tenant_id, due.root_folder_id), f"close-cycle:{due.cycle_id}"
        )
        payload = {"tenantId": due.tenant_id, "cycleId": due.cycle_id}
        return await self.pipeline.invoke("command", "close-billing-cycle", payload, ctx)

    async def tick_sagas(self, now: datetime) -> list[SagaRecord]:
        """Fire the timeout step of every saga past its deadline at `now`, and count the
        sagas by state; the sagas left stuck."""
        stuck = await fire_timeouts(self.db, self.sagas, now, self.pipeline.invoke)
        await count_sagas(self.db)
        return stuck

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every `interval` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                now = datetime.now(UTC)
                await self.tick(now)
                await self.close_due_cycles(now)
                await self.tick_sagas(now)
            except Exception:
                _log.exception("scheduler.tick-failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
