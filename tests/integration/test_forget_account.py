"""forget-account on the real engines: the person's key is gone, so their email and name read
`[forgotten]` everywhere they are read (list-accounts, history, a rebuilt read model), log-in
with the old email fails like an unknown one, and nothing personal is stored in plain text."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import pytest

from ossature.kernel.consumers import rebuild
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore
from ossature.kernel.keys import FORGOTTEN, PersonalKeys, is_sealed
from ossature.modules.identity._legacy import seal_legacy
from ossature.modules.identity._one_time import OneTimeTokens
from ossature.modules.identity.projections import ACCOUNTS
from ossature.modules.identity.service import IdentityService
from ossature.runtime.system import System
from tests.integration._push import PASSWORD, PushTenant, push_tenant
from tests.integration.support import account_by_email


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


async def _invoke(tenant: PushTenant, who: str, kind: Any, name: str, payload: Any) -> Any:
    assert tenant.system.pipeline is not None
    return await tenant.system.pipeline.invoke(kind, name, payload, tenant.ctx(who))


async def _log_in(tenant: PushTenant, email: str) -> Any:
    assert tenant.system.pipeline is not None
    body = {"tenant": tenant.slug, "email": email, "password": PASSWORD}
    ctx = tenant.ctx("viewer")
    return await tenant.system.pipeline.invoke("command", "log-in", body, ctx)


async def _listed(tenant: PushTenant, account_id: str) -> dict[str, Any]:
    answer = await _invoke(tenant, "admin", "query", "list-accounts", {})
    return next(a for a in answer.body["accounts"] if a["accountId"] == account_id)


async def _rows(tenant: PushTenant, sql: str, *args: Any) -> list[dict[str, Any]]:
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        return [dict(row) for row in await conn.fetch(sql, *args)]


async def test_an_admin_forgets_a_member_who_then_reads_forgotten_and_cannot_log_in(
    acme: PushTenant,
) -> None:
    editor, email = acme.account("editor"), f"editor@{acme.slug}.test"
    before = await _listed(acme, editor)

    answer = await acme.command("admin", "forget-account", {"accountId": editor})

    after = await _listed(acme, editor)
    known = await _log_in(acme, email)
    unknown = await _log_in(acme, f"nobody-{email}")
    session = await _invoke(acme, "editor", "query", "get-my-account", {})
    assert {"accountId": editor, "status": "forgotten"} == answer
    assert (email, "Editor", "active") == (before["email"], before["displayName"], before["status"])
    assert (FORGOTTEN, FORGOTTEN, "deactivated") == (
        after["email"],
        after["displayName"],
        after["status"],
    )
    assert (known.status, known.error.key) == (unknown.status, unknown.error.key)
    assert (401, "identity.session-ended") == (session.status, session.error.key)
    assert await account_by_email(acme.system, acme.tenant_id, email) is None


async def test_the_stores_hold_the_persons_values_sealed_and_no_password_hash(
    acme: PushTenant,
) -> None:
    editor = acme.account("editor")
    await acme.command("admin", "forget-account", {"accountId": editor})

    events = await _rows(
        acme,
        "select event_type, payload from events where stream_id = $1 order by stream_version",
        editor,
    )
    row = (await _rows(acme, "select * from accounts where account_id = $1", editor))[0]
    passwords = await _rows(acme, "select * from account_passwords where account_id = $1", editor)
    keys = await _rows(acme, "select wrapped from personal_keys where subject_id = $1", editor)
    types = [e["event_type"] for e in events]
    registered = _payload(events[0])
    assert types[:2] == ["account-registered", "password-set"]
    assert types[-2:] == ["account-deactivated", "account-forgotten"]
    assert is_sealed(registered["email"]) and is_sealed(registered["displayName"])
    assert {"accountId": editor} == _payload(events[1]) == _payload(events[-1])
    assert is_sealed(row["email"]) and is_sealed(row["display_name"])
    assert (None, [], [{"wrapped": None}]) == (row["email_index"], passwords, keys)


async def test_a_person_forgets_their_own_account_and_forgetting_again_changes_nothing(
    acme: PushTenant,
) -> None:
    viewer = acme.account("viewer")
    first = await _invoke(acme, "viewer", "command", "forget-account", {"accountId": viewer})
    again = await acme.command("admin", "forget-account", {"accountId": viewer})

    events = await _rows(acme, "select event_type from events where stream_id = $1", viewer)
    assert (200, {"accountId": viewer, "status": "forgotten"}) == (first.status, again)
    assert 1 == [e["event_type"] for e in events].count("account-forgotten")


async def test_a_reset_link_mailed_before_the_forgetting_serves_no_more(
    acme: PushTenant,
) -> None:
    """The token is refused as an invalid one, and no password is kept for the person."""
    assert acme.system.pipeline is not None
    editor, email = acme.account("editor"), f"editor@{acme.slug}.test"
    asked = {"tenant": acme.slug, "email": email}
    await acme.system.pipeline.invoke(
        "command", "request-password-reset", asked, acme.ctx("viewer")
    )
    (issued,) = await _rows(
        acme,
        "select stream_id from events where event_type = 'password-reset-requested'"
        " and payload->>'accountId' = $1",
        editor,
    )
    tokens = acme.system.pipeline.services[OneTimeTokens]
    assert isinstance(tokens, OneTimeTokens)
    token = tokens.token("password-reset", acme.tenant_id, issued["stream_id"])
    await acme.command("admin", "forget-account", {"accountId": editor})

    reset = await acme.system.pipeline.invoke(
        "command", "reset-password", {"token": token, "password": PASSWORD * 2}, acme.ctx("viewer")
    )

    passwords = await _rows(acme, "select * from account_passwords where account_id = $1", editor)
    assert ("identity.token-invalid", []) == (reset.error and reset.error.key, passwords)


async def test_forgetting_another_needs_the_right_to_deactivate_accounts(
    acme: PushTenant,
) -> None:
    answer = await _invoke(
        acme, "viewer", "command", "forget-account", {"accountId": acme.account("editor")}
    )

    listed = await _listed(acme, acme.account("editor"))
    assert (403, f"editor@{acme.slug}.test") == (answer.status, listed["email"])


async def test_a_service_account_or_an_unknown_one_cannot_be_forgotten(acme: PushTenant) -> None:
    made = await acme.command(
        "admin",
        "create-service-account",
        {"name": "ci bot", "role": "project-viewer", "folderId": acme.folders["EU"]},
    )

    service = await _invoke(
        acme, "admin", "command", "forget-account", {"accountId": made["serviceAccountId"]}
    )
    unknown = await _invoke(acme, "admin", "command", "forget-account", {"accountId": "nobody"})

    assert [
        (409, "identity.cannot-forget-service-account"),
        (404, "identity.account-not-found"),
    ] == [
        (service.status, service.error.key),
        (unknown.status, unknown.error.key),
    ]


async def test_history_keeps_a_forgotten_actors_entries_with_their_name_forgotten(
    acme: PushTenant,
) -> None:
    made = await acme.command(
        "editor", "create-project", {"folderId": acme.folders["France"], "name": "kept"}
    )
    named = await _invoke(
        acme, "admin", "query", "get-project-history", {"projectId": made["projectId"]}
    )

    await acme.command("admin", "forget-account", {"accountId": acme.account("editor")})

    forgotten = await _invoke(
        acme, "admin", "query", "get-project-history", {"projectId": made["projectId"]}
    )
    assert ["Editor"] == [e["actorName"] for e in named.body["entries"]]
    assert [FORGOTTEN] == [e["actorName"] for e in forgotten.body["entries"]]


async def test_a_rebuilt_accounts_model_reads_forgotten_and_keeps_passwords(
    acme: PushTenant,
) -> None:
    """The passwords table is no projection: the others still log in after a rebuild."""
    await acme.command("admin", "forget-account", {"accountId": acme.account("editor")})
    owner = await Database.connect(acme.system.owner_url, min_size=1, max_size=1)
    try:
        await rebuild(owner, EventStore(), ACCOUNTS)
    finally:
        await owner.close()

    listed = await _listed(acme, acme.account("editor"))
    viewer = await _log_in(acme, f"viewer@{acme.slug}.test")
    editor = await _log_in(acme, f"editor@{acme.slug}.test")
    assert (FORGOTTEN, FORGOTTEN, "deactivated") == (
        listed["email"],
        listed["displayName"],
        listed["status"],
    )
    assert (200, 401) == (viewer.status, editor.status)


async def test_a_rebuild_waits_for_a_transaction_in_flight_and_keeps_what_committed_after_it(
    acme: PushTenant,
) -> None:
    """A transaction that holds an id stays open while forget-account commits: a rebuild then
    reads below that transaction, so it waits for it (here past its deadline: it is refused),
    and once it has ended the rebuilt model holds the forgetting (decision 141)."""
    older = await asyncpg.connect(acme.system.owner_url)
    owner = await Database.connect(acme.system.owner_url, min_size=1, max_size=1)
    try:
        transaction = older.transaction()
        await transaction.start()
        await older.fetchval("select pg_current_xact_id()")  # it now holds an id
        await acme.command("admin", "forget-account", {"accountId": acme.account("editor")})
        with pytest.raises(TimeoutError):
            await rebuild(owner, EventStore(), ACCOUNTS, settle=0.5)
        await transaction.commit()
        await rebuild(owner, EventStore(), ACCOUNTS)
    finally:
        await owner.close()
        await older.close()
    assert "deactivated" == (await _listed(acme, acme.account("editor")))["status"]


def _payload(event: dict[str, Any]) -> dict[str, Any]:
    value = event["payload"]
    return dict(json.loads(value) if isinstance(value, str) else value)


async def test_the_start_up_step_seals_what_older_versions_left_in_plain_text(
    acme: PushTenant,
) -> None:
    """An account row and its registration as a version before decision 93 wrote them (plain,
    no index): sealed once, found by its email again; a second run has nothing left to do,
    and says so, after which a run reads nothing."""
    system, editor, email = acme.system, acme.account("editor"), f"editor@{acme.slug}.test"
    owner = await asyncpg.connect(system.owner_url)
    try:
        async with owner.transaction():
            await owner.execute("delete from identity_legacy_sealed")  # as before the upgrade
            await owner.execute("select set_config('app.tenant_id', $1, true)", acme.tenant_id)
            await owner.execute(
                "update accounts set email = $2, display_name = 'Editor', email_index = null"
                " where account_id = $1",
                editor,
                email,
            )
            await owner.execute("alter table events disable trigger events_no_update")
            await owner.execute(
                "update events set payload = payload - 'emailIndex'"
                " || jsonb_build_object('email', $2::text, 'displayName', 'Editor')"
                " where stream_id = $1 and event_type = 'account-registered'",
                editor,
                email,
            )
            await owner.execute("alter table events enable trigger events_no_update")
        lost = await _log_in(acme, email)
        first = await _seal_legacy_once(system, owner)
        second = await _seal_legacy_once(system, owner)
        recorded = await owner.fetchval("select count(*) from identity_legacy_sealed")
    finally:
        await owner.close()

    found = await _log_in(acme, email)
    row = (await _rows(acme, "select * from accounts where account_id = $1", editor))[0]
    events = await _rows(
        acme,
        "select payload from events where stream_id = $1 and event_type = 'account-registered'",
        editor,
    )
    payload = _payload(events[0])
    assert (401, 200) == (lost.status, found.status)
    assert first >= 2 and second == 0  # the row and the event, then nothing
    assert recorded == 1
    assert is_sealed(row["email"]) and is_sealed(row["display_name"]) and row["email_index"]
    assert is_sealed(payload["email"]) and payload["emailIndex"] == row["email_index"]
    assert ("Editor", email) == ((await _listed(acme, editor))["displayName"], email)


async def _seal_legacy_once(system: System, owner: Any) -> int:
    assert system.pipeline is not None
    keys = system.pipeline.services[PersonalKeys]
    identity = system.pipeline.services[IdentityService]
    assert isinstance(keys, PersonalKeys) and isinstance(identity, IdentityService)
    events = [event for module in system.app.modules for event in module.events]
    async with owner.transaction():
        return await seal_legacy(owner, keys, identity.index_key, events)


async def test_the_start_up_step_reads_nothing_once_a_pass_found_nothing(
    acme: PushTenant,
) -> None:
    """With the record of a pass that found nothing, a plain row is not even read; without it,
    the row is sealed again."""
    system, editor, email = acme.system, acme.account("editor"), f"editor@{acme.slug}.test"
    owner = await asyncpg.connect(system.owner_url)
    try:
        await _seal_legacy_once(system, owner)  # whatever is left, then the record
        await _seal_legacy_once(system, owner)
        async with owner.transaction():
            await owner.execute("select set_config('app.tenant_id', $1, true)", acme.tenant_id)
            await owner.execute(
                "update accounts set email = $2 where account_id = $1", editor, email
            )
        skipped = await _seal_legacy_once(system, owner)
        async with owner.transaction():
            await owner.execute("select set_config('app.tenant_id', $1, true)", acme.tenant_id)
            plain = await owner.fetchval(
                "select email from accounts where account_id = $1 and tenant_id = $2",
                editor,
                acme.tenant_id,
            )
        await owner.execute("delete from identity_legacy_sealed")
        sealed = await _seal_legacy_once(system, owner)
    finally:
        await owner.close()

    assert (0, email, 1) == (skipped, plain, sealed)
    assert (await _log_in(acme, email)).status == 200
