"""Helpers for the analytics tests: configure a source, run its extract, read its series."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ossature.kernel.ids import new_id
from ossature.runtime.pipeline import Result
from ossature.runtime.system import System
from tests.integration.support import Tenant

YEARLY = "0 0 1 1 *"


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    """An instant in March 2026 (UTC): the simulated days of the tests."""
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def sources_dir(system: System) -> Path:
    """The directory the test system allows SQLite sources in."""
    return system.settings.var_dir / "sources"


def fresh_path(system: System, suffix: str = ".sqlite3") -> Path:
    return sources_dir(system) / f"{new_id().lower()}{suffix}"


async def terms_accepted(
    tenant: Tenant, people: tuple[str, ...] = ("admin", "editor", "viewer")
) -> None:
    """The tenant's people accept the terms analytics asks for (accepted-terms:<version>),
    each version get-my-capabilities names, as a client offers them."""
    for who in people:
        answer = await tenant.invoke(who, "query", "get-my-capabilities", {})
        for unmet in answer.body["unmet"]:
            if unmet["flow"] == "accept-terms":
                await tenant.command(who, "accept-terms", {"version": unmet["version"]})


async def configure(
    tenant: Tenant,
    name: str,
    location: str,
    kind: str = "sqlite",
    schedule: str = YEARLY,
    who: str = "admin",
) -> Result:
    payload = {"name": name, "kind": kind, "location": location, "schedule": schedule}
    return await tenant.invoke(who, "command", "configure-login-source", payload)


async def extract(tenant: Tenant, name: str, who: str = "admin") -> Result:
    return await tenant.invoke(who, "command", "run-login-extract", {"source": name})


async def appended(tenant: Tenant, name: str) -> int:
    """Run an extract that must succeed; how many logins it appended."""
    result = await extract(tenant, name)
    assert 200 == result.status, result.error and result.error.key
    return int(result.body["appended"])


async def series(
    tenant: Tenant, name: str, start: date, end: date, who: str = "admin"
) -> list[int]:
    """The source's daily counts from `start` to `end`."""
    payload = {"source": name, "from": start.isoformat(), "to": end.isoformat()}
    result = await tenant.invoke(who, "query", "count-source-logins-per-day", payload)
    assert 200 == result.status, result.error and result.error.key
    return [point["count"] for point in result.body["series"]]


async def source_info(tenant: Tenant, name: str) -> dict[str, Any]:
    result = await tenant.invoke("admin", "query", "list-login-sources", {})
    return next(s for s in result.body["sources"] if s["name"] == name)


async def datastore(system: System, tenant: Tenant, name: str) -> dict[str, Any]:
    """Everything an extract may change for a source, except its last outcome."""
    assert system.db is not None
    key = (tenant.tenant_id, name)
    where = "where tenant_id = $1 and source_name = $2"
    async with system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        return {
            "logins": [
                tuple(r)
                for r in await conn.fetch(
                    f"select user_hash, logged_in_at from source_logins {where} order by 1, 2", *key
                )
            ],
            "days": [
                tuple(r)
                for r in await conn.fetch(
                    f"select day, logins from source_login_days {where} order by 1", *key
                )
            ],
            "users": [
                tuple(r)
                for r in await conn.fetch(
                    f"select user_hash, last_login from login_user_state {where} order by 1", *key
                )
            ],
            "watermark": await conn.fetchval(
                f"select watermark from login_source_state {where}", *key
            ),
        }
