"""Logins per day, counted from `user-logged-in` events."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection

__all__ = ["LOGINS_PER_DAY"]


async def _logged_in(conn: Any, envelope: Envelope) -> None:
    await conn.execute(
        "insert into login_days (tenant_id, day, logins) values ($1, $2, 1)"
        " on conflict (tenant_id, day) do update set logins = login_days.logins + 1",
        envelope.tenant_id,
        envelope.occurred_at.astimezone(UTC).date(),
    )


LOGINS_PER_DAY = Projection(
    name="logins-per-day",
    handlers={"user-logged-in": _logged_in},
    tables=("login_days",),
)
