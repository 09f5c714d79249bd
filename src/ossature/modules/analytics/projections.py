"""Read models of the analytics module.

`logins-per-day` (async) counts Ossature's own `user-logged-in` events per UTC day.
`login-sources` (inline: an extract may follow its configuration at once) keeps
each source's settings, its location still sealed, and when its extract is next due.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from ossature.modules.analytics.schedule import next_run

__all__ = ["LOGINS_PER_DAY", "LOGIN_SOURCES"]


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

_SOURCE = """insert into login_sources (tenant_id, name, kind, sealed_location, schedule,
    configured_at) values ($1, $2, $3, $4, $5, $6)
    on conflict (tenant_id, name) do update set kind = excluded.kind,
    sealed_location = excluded.sealed_location, schedule = excluded.schedule,
    configured_at = excluded.configured_at"""
_SCHEDULE = """insert into login_extract_schedule (tenant_id, source_name, schedule, next_run_at)
    values ($1, $2, $3, $4) on conflict (tenant_id, source_name)
    do update set schedule = excluded.schedule, next_run_at = excluded.next_run_at"""


async def _configured(conn: Any, envelope: Envelope) -> None:
    p, tenant_id, at = envelope.payload, envelope.tenant_id, envelope.occurred_at
    name, schedule = p["sourceName"], p["schedule"]
    await conn.execute(_SOURCE, tenant_id, name, p["kind"], p["sealedLocation"], schedule, at)
    await conn.execute(_SCHEDULE, tenant_id, name, schedule, next_run(schedule, at))


LOGIN_SOURCES = Projection(
    name="login-sources",
    handlers={"login-source-configured": _configured},
    tables=("login_sources", "login_extract_schedule"),
    inline=True,
)
