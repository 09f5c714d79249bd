"""A read model rebuilt and timed: what `ossature projections rebuild` prints and the bench
reports under "rebuild" (issue 22: >= 100,000 events/s replaying projects-catalog)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from ossature.kernel.config import Settings
from ossature.kernel.consumers import rebuild
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.system import System

__all__ = ["Rebuilt", "UnknownProjection", "measure_rebuild", "rebuild_timed"]


@dataclass(frozen=True)
class Rebuilt:
    """A projection rebuilt: how many events it applied, in how many seconds."""

    projection: str
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        """Events applied per second of the rebuild (0 when it took no measurable time)."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


class UnknownProjection(LookupError):
    """No module declares a projection of that name."""


def measure_rebuild(settings: Settings, projection: str = "projects-catalog") -> Rebuilt:
    """Rebuild `projection` of the system on `settings` (the engines an `ossature up` runs on
    its var directory, or embedded ones started for it) and time the rebuild alone."""
    with engines(settings, attach=True) as endpoints:
        return asyncio.run(rebuild_timed(settings, endpoints, projection))


async def rebuild_timed(settings: Settings, endpoints: Endpoints, name: str) -> Rebuilt:
    """Rebuild projection `name` on the owner's connection, timed from the replay's start
    (the system's start, its migrations checked, is not counted)."""
    system = System(settings, endpoints)
    projection = system.app.projection(name)
    if projection is None:
        known = [p.name for p in system.app.projections]
        raise UnknownProjection(f"no projection named {name}; known: {known}")
    await system.start(roles=())
    try:
        owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
        try:
            started = time.perf_counter()
            events = await rebuild(owner, EventStore(system.app.event_types), projection)
            return Rebuilt(name, events, time.perf_counter() - started)
        finally:
            await owner.close()
    finally:
        await system.stop()
