"""The notifier's cursor: the last event stream sequence it has notified, kept in PostgreSQL."""

from __future__ import annotations

from typing import Any

from ossature.kernel.database import fetch_made

__all__ = ["advance_cursor", "read_cursor"]

_READ = "select stream_sequence from notifier_cursors where name = $1"
_READ_LOCKED = "select stream_sequence from notifier_cursors where name = $1 for update"


async def read_cursor(conn: Any, name: str, *, lock: bool = True) -> int:
    """The stream sequence notifier `name` has reached; locked for the transaction when `lock`.

    One round trip once the cursor exists; the first call makes it.
    """
    row = await fetch_made(
        conn,
        _READ_LOCKED if lock else _READ,
        "insert into notifier_cursors (name) values ($1) on conflict do nothing",
        name,
    )
    return int(row["stream_sequence"])


async def advance_cursor(conn: Any, name: str, sequence: int) -> None:
    """Record that notifier `name` has notified every event up to stream sequence `sequence`."""
    await conn.execute(
        "update notifier_cursors set stream_sequence = $2, updated_at = now() where name = $1",
        name,
        sequence,
    )
