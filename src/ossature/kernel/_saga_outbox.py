"""A saga's outbox sent: the commands its steps queued, sent through the pipeline after the
commit that queued them (decision 106), those of distinct correlations side by side
(decision 125)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, Protocol

from ossature.kernel.context import Context, decode_context
from ossature.kernel.database import Database
from ossature.kernel.logging import get_logger

__all__ = ["SENDING", "Answer", "Invoke", "send_pending"]

_log = get_logger("ossature.sagas")


class Answer(Protocol):
    """What an invocation answers, as far as a saga looks."""

    @property
    def status(self) -> int: ...


Invoke = Callable[[Literal["command"], str, Any, Context], Awaitable[Answer]]

_UNSENT = """select c.saga_id, c.step, c.command, c.payload, c.context, s.correlation
    from saga_commands c join sagas s using (saga_id)
    where c.sent_at is null order by c.created_at limit $1 for update of c skip locked"""
_SENT = """update saga_commands as c set sent_at = now(), status = s.status
    from unnest($1::text[], $2::text[], $3::int[]) as s (saga_id, step, status)
    where c.saga_id = s.saga_id and c.step = s.step"""
SENDING = 16  # correlations whose commands are in flight at once


async def send_pending(db: Database, invoke: Invoke, limit: int = 100) -> int:
    """Send the queued commands of every tenant's sagas (each by one sender only); the number
    sent. Those of one correlation are sent one after another, in the order queued, others
    meanwhile. One answered 5xx stays queued, to be sent again under the same key."""
    async with db.transaction(None) as conn:
        rows = await conn.fetch(_UNSENT, limit)
        by_correlation: dict[str, list[Any]] = {}
        for row in rows:
            by_correlation.setdefault(row["correlation"], []).append(row)
        gate = asyncio.Semaphore(SENDING)
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(_send(invoke, gate, queue)) for queue in by_correlation.values()
            ]
        sent = [answered for task in tasks for answered in task.result()]
        if sent:
            await conn.execute(_SENT, *map(list, zip(*sent, strict=True)))
    return len(sent)


async def _send(
    invoke: Invoke, gate: asyncio.Semaphore, rows: Sequence[Any]
) -> list[tuple[str, str, int]]:
    """Send one correlation's commands in turn: those answered below 500, with their status."""
    sent = []
    async with gate:
        for row in rows:
            ctx = decode_context(row["context"])
            answer = await invoke("command", row["command"], row["payload"], ctx)
            if answer.status >= 500:
                _log.warning("saga.send-failed", step=row["step"], status=answer.status)
                continue
            sent.append((row["saga_id"], row["step"], answer.status))
    return sent
