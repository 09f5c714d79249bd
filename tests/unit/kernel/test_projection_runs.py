"""How a projection's batch is cut into calls: runs of one type and tenant, or single events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ossature.kernel.consumers import _runs
from ossature.kernel.context import Context
from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from tests.unit.support import TRACE


def event(number: int, event_type: str, tenant_id: str = "T1") -> Envelope:
    return Envelope(
        event_id=f"E{number}",
        event_type=event_type,
        schema_version=1,
        stream_type="project",
        stream_id=f"P{number}",
        stream_version=1,
        tenant_id=tenant_id,
        occurred_at=datetime(2026, 11, 23, tzinfo=UTC),
        payload={},
        context=Context(access=None, trace=TRACE),
        position=(1, number),
    )


async def _one(conn: Any, envelope: Envelope) -> None: ...


async def _many(conn: Any, envelopes: Sequence[Envelope]) -> None: ...


PROJECTION = Projection("runs-under-test", {"renamed": _one}, (), runs={"created": _many})


def test_consecutive_events_of_a_run_type_and_tenant_go_together() -> None:
    """Creations of one tenant in a row make one call; a rename, another tenant or another
    type ends the run, and events without a run handler go one by one, in order."""
    batch = [
        event(1, "created"),
        event(2, "created"),
        event(3, "created", tenant_id="T2"),
        event(4, "renamed"),
        event(5, "renamed"),
        event(6, "created"),
        event(7, "created"),
        event(8, "created"),
    ]

    cut = _runs(PROJECTION, batch)

    assert [["E1", "E2"], ["E3"], ["E4"], ["E5"], ["E6", "E7", "E8"]] == [
        [e.event_id for e in run] for run in cut
    ]


def test_a_run_type_counts_as_handled_and_applies_alone() -> None:
    """The run's type is among the projection's types, and a single event of it (an inline
    projection, say) goes to the run handler as a run of one."""
    assert frozenset({"created", "renamed"}) == PROJECTION.event_types
    assert PROJECTION.handles(event(1, "created"))
    assert not PROJECTION.handles(event(1, "archived"))
