"""Login sources: who may configure them, where they may be, and what a failed extract leaves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ossature.runtime.system import System
from tests.integration._django import PostgresApp, SqliteApp
from tests.integration.analytics_support import (
    appended,
    at,
    configure,
    datastore,
    extract,
    fresh_path,
    series,
    source_info,
    sources_dir,
    terms_accepted,
)
from tests.integration.support import Tenant, make_tenant


@pytest.fixture(autouse=True)
async def _terms(tenant: Tenant) -> None:
    """Analytics asks its users to accept its terms: the tenant's people have."""
    await terms_accepted(tenant)


@pytest.fixture
async def other_tenant(system: System) -> Tenant:
    made = await make_tenant(system)
    await terms_accepted(made)
    return made


async def source_events(system: System, tenant: Tenant) -> int:
    assert system.db is not None
    async with system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        return int(
            await conn.fetchval(
                "select count(*) from events where event_type = 'login-source-configured'"
            )
        )


async def test_only_a_tenant_admin_configures_a_source(system: System, tenant: Tenant) -> None:
    """The editor (at EU) and the viewer are refused; the admin is not."""
    location = str(fresh_path(system))
    answers = [
        (await configure(tenant, "crm", location, who=who)).status
        for who in ("viewer", "editor", "admin")
    ]
    assert [403, 403, 200] == answers


async def test_who_may_run_an_extract_and_read_a_series(system: System, tenant: Tenant) -> None:
    """Running an extract is the admin's; the editor may read the series, the viewer may not."""
    app = SqliteApp(fresh_path(system))
    await configure(tenant, "crm", str(app.path))
    runs = [(await extract(tenant, "crm", who)).status for who in ("viewer", "editor", "admin")]
    payload = {"source": "crm", "from": "2026-03-01", "to": "2026-03-02"}
    reads = [
        (await tenant.invoke(who, "query", "count-source-logins-per-day", payload)).status
        for who in ("viewer", "editor")
    ]
    assert ([403, 403, 200], [403, 200]) == (runs, reads)


async def test_configuring_the_same_settings_again_appends_nothing(
    system: System, tenant: Tenant
) -> None:
    """A repeated configuration is one event; a new schedule is a second one."""
    location = str(fresh_path(system))
    first = await configure(tenant, "crm", location)
    again = await configure(tenant, "crm", location)
    changed = await configure(tenant, "crm", location, schedule="30 2 * * *")
    assert [1, 1, 2] == [r.body["version"] for r in (first, again, changed)]
    assert 2 == await source_events(system, tenant)


def _outside_locations(system: System, tmp_path: Path) -> dict[str, tuple[str, str]]:
    inside = sources_dir(system)
    inside.mkdir(parents=True, exist_ok=True)
    escape = inside / f"link-{tmp_path.name}.sqlite3"
    escape.unlink(missing_ok=True)
    escape.symlink_to(system.settings.var_dir / "secrets" / "pepper")
    return {
        "outside": ("sqlite", "/etc/passwd"),
        "dot-dot": ("sqlite", f"{inside}/../secrets/pepper"),
        "symlink": ("sqlite", str(escape)),
        "relative-outside": ("sqlite", "secrets/pepper"),  # read from the var dir
        "file-url": ("sqlite", f"file://{inside}/app.sqlite3"),
        "other-server": ("postgresql", "postgresql://u:p@db.example.com:5432/app"),
        "file-parameter": (
            "postgresql",
            f"{PostgresApp(system.endpoints.owner_database_url).location}&sslrootcert=/etc/passwd",
        ),
        "wrong-kind": ("sqlite", PostgresApp(system.endpoints.owner_database_url).location),
    }


@pytest.mark.parametrize(
    "case",
    [
        "outside",
        "dot-dot",
        "symlink",
        "relative-outside",
        "file-url",
        "other-server",
        "file-parameter",
        "wrong-kind",
    ],
)
async def test_a_location_outside_the_allow_list_is_refused_and_nothing_is_stored(
    system: System, tenant: Tenant, tmp_path: Path, case: str
) -> None:
    """Paths outside, escaping by `..` or a symlink, and servers not allowed are a keyed 422."""
    kind, location = _outside_locations(system, tmp_path)[case]
    refused = await configure(tenant, "crm", location, kind)
    listed = await tenant.invoke("admin", "query", "list-login-sources", {})
    assert (422, "analytics.location-not-allowed") == (refused.status, refused.error.key)
    assert ([], 0) == (listed.body["sources"], await source_events(system, tenant))


async def test_a_symlink_repointed_outside_is_refused_at_extract_time(
    system: System, tenant: Tenant
) -> None:
    """The allow-list is checked again at each extract: nothing outside it is ever read."""
    app = SqliteApp(fresh_path(system))
    app.add_user("ann@app.test")
    app.log_in("ann@app.test", at(1))
    link = fresh_path(system)
    link.symlink_to(app.path)
    await configure(tenant, "crm", str(link))
    link.unlink()
    link.symlink_to(system.settings.var_dir / "secrets" / "pepper")
    refused = await extract(tenant, "crm")
    assert (422, "analytics.location-not-allowed") == (refused.status, refused.error.key)
    assert {"logins": [], "days": [], "users": [], "watermark": None} == await datastore(
        system, tenant, "crm"
    )


async def test_other_bad_configurations_are_keyed_422s(system: System, tenant: Tenant) -> None:
    """A schedule that is not five cron fields, or the reserved name `ossature`, is refused."""
    location = str(fresh_path(system))
    bad_schedule = await configure(tenant, "crm", location, schedule="* * * * * *")
    never = await configure(tenant, "crm", location, schedule="0 0 30 2 *")
    reserved = await configure(tenant, "ossature", location)
    keys = [(r.status, r.error.key) for r in (bad_schedule, never, reserved)]
    assert [
        (422, "analytics.bad-schedule"),
        (422, "analytics.bad-schedule"),
        (422, "analytics.reserved-source-name"),
    ] == keys


async def test_an_unreachable_source_changes_nothing_and_succeeds_once_it_is_there(
    system: System, tenant: Tenant
) -> None:
    """A missing file is a retryable keyed error recorded as the last outcome; the next run works."""
    path = fresh_path(system)
    await configure(tenant, "crm", str(path))
    failed = await extract(tenant, "crm")
    info = await source_info(tenant, "crm")
    assert (503, "analytics.source-unreachable", True) == (
        failed.status,
        failed.error.key,
        failed.error.retryable,
    )
    assert ("failed", "analytics.source-unreachable") == (info["lastOutcome"], info["lastErrorKey"])
    app = SqliteApp(path)
    app.add_user("ann@app.test")
    app.log_in("ann@app.test", at(1))
    assert 1 == await appended(tenant, "crm")
    info = await source_info(tenant, "crm")
    assert ("succeeded", None) == (info["lastOutcome"], info["lastErrorKey"])


@pytest.mark.parametrize("content", [b"not a database at all" * 100, b""])
async def test_a_malformed_source_changes_nothing_and_succeeds_once_fixed(
    system: System, tenant: Tenant, content: bytes
) -> None:
    """A file that is not SQLite, or has no user table, is a keyed error until it is fixed."""
    path = fresh_path(system)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    await configure(tenant, "crm", str(path))
    failed = await extract(tenant, "crm")
    assert (502, "analytics.source-malformed") == (failed.status, failed.error.key)
    assert [] == (await datastore(system, tenant, "crm"))["logins"]
    path.unlink()
    app = SqliteApp(path)
    app.add_user("ann@app.test")
    app.log_in("ann@app.test", at(1))
    assert 1 == await appended(tenant, "crm")


async def test_an_unreachable_postgresql_source_is_retried_once_it_exists(
    system: System, tenant: Tenant
) -> None:
    """A database that does not exist yet is unreachable; once created, the extract succeeds."""
    source = PostgresApp(system.endpoints.owner_database_url)
    await configure(tenant, "billing", source.location, "postgresql")
    failed = await extract(tenant, "billing")
    await source.create()
    await source.add_user("ann@pg.test")
    await source.log_in("ann@pg.test", at(3))
    assert (503, "analytics.source-unreachable") == (failed.status, failed.error.key)
    assert 1 == await appended(tenant, "billing")


async def test_a_source_is_invisible_to_another_tenant(
    system: System, tenant: Tenant, other_tenant: Tenant
) -> None:
    """Another tenant's admin cannot read, run or even see a tenant's source."""
    await configure(tenant, "crm", str(fresh_path(system)))
    payload = {"source": "crm", "from": "2026-03-01", "to": "2026-03-02"}
    read = await other_tenant.invoke("admin", "query", "count-source-logins-per-day", payload)
    run = await extract(other_tenant, "crm")
    listed = await other_tenant.invoke("admin", "query", "list-login-sources", {})
    assert (404, 404, []) == (read.status, run.status, listed.body["sources"])


async def test_the_source_ossature_is_ossature_s_own_logins(system: System, tenant: Tenant) -> None:
    """`count-source-logins-per-day` for `ossature` answers what `count-logins-per-day` does."""
    span = {"from": date(2026, 3, 1).isoformat(), "to": date(2026, 3, 3).isoformat()}
    own = await tenant.invoke("admin", "query", "count-logins-per-day", span)
    assert (
        own.body["series"]
        == (
            await tenant.invoke(
                "admin", "query", "count-source-logins-per-day", {"source": "ossature", **span}
            )
        ).body["series"]
    )
    assert [0, 0, 0] == await series(tenant, "ossature", date(2026, 3, 1), date(2026, 3, 3))
