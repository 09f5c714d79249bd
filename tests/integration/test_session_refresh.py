"""refresh-session and set-my-locale on the real engines: a session renewed within its idle
window, refused once ended, lapsed or its account deactivated (decision 58)."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ossature.kernel.context import Actor, Context, Grant
from ossature.modules.identity._tokens import AccessClaims
from ossature.modules.identity.service import IdentityService
from ossature.runtime.contexts import OPERATOR, internal_context, new_trace
from ossature.runtime.pipeline import Result
from ossature.runtime.system import System
from tests.integration._push import PASSWORD, PushTenant, push_tenant

WAIT = 20.0  # generous: a guard against a hang, never a measure


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


async def _public(system: System, name: str, payload: Any) -> Result:
    assert system.pipeline is not None
    return await system.pipeline.invoke("command", name, payload, internal_context(OPERATOR))


async def _log_in(acme: PushTenant, who: str) -> dict[str, Any]:
    body = {"tenant": acme.slug, "email": f"{who}@{acme.slug}.test", "password": PASSWORD}
    answer = await _public(acme.system, "log-in", body)
    assert 200 == answer.status, answer.error and answer.error.key
    return dict(answer.body)


async def _refresh(acme: PushTenant, refresh_token: str) -> Result:
    return await _public(acme.system, "refresh-session", {"refreshToken": refresh_token})


def _claims(acme: PushTenant, access_token: str) -> AccessClaims:
    assert acme.system.secrets is not None
    return acme.system.secrets.keys.verify(access_token, int(time.time()))


def _in_session(acme: PushTenant, access_token: str) -> Context:
    """The context the gateway makes of `access_token`."""
    claims = _claims(acme, access_token)
    actor = Actor(
        account_id=claims.account_id,
        kind="user",
        tenant_id=claims.tenant_id,
        locale=claims.locale,
        mechanism="session",
        session_id=claims.session_id,
        grants=tuple(Grant(role=g.role, folder_id=g.folder_id) for g in claims.grants),
    )
    return Context(access=actor, trace=new_trace(None))


async def _as(acme: PushTenant, token: str, kind: Any, name: str, payload: Any) -> Result:
    assert acme.system.pipeline is not None
    return await acme.system.pipeline.invoke(kind, name, payload, _in_session(acme, token))


async def _session_row(acme: PushTenant, session_id: str) -> dict[str, Any]:
    assert acme.system.db is not None
    async with acme.system.db.transaction(acme.tenant_id, readonly=True) as conn:
        row = await conn.fetchrow(
            "select expires_at, refreshable_until from credentials where credential_id = $1",
            session_id,
        )
    return dict(row)


def _key(result: Result) -> tuple[int, str | None]:
    return result.status, result.error and result.error.key


async def test_a_refresh_answers_a_new_token_of_the_same_session_and_slides_its_window(
    acme: PushTenant,
) -> None:
    """The new token names the same session; the guard's expiry and the idle window move on."""
    opened = await _log_in(acme, "editor")
    before = await _session_row(acme, opened["sessionId"])
    await _until_second_passes()

    refreshed = await _refresh(acme, opened["refreshToken"])

    assert 200 == refreshed.status, refreshed.error and refreshed.error.key
    after = await _session_row(acme, opened["sessionId"])
    body = refreshed.body
    assert opened["sessionId"] == body["sessionId"] == _claims(acme, body["accessToken"]).session_id
    assert opened["refreshToken"] == body["refreshToken"]
    assert body["refreshableUntil"] > opened["refreshableUntil"]
    assert after["refreshable_until"] > before["refreshable_until"]
    assert after["expires_at"] > before["expires_at"]
    assert body["expiresAt"] == int(after["expires_at"].timestamp())
    listed = await _as(acme, body["accessToken"], "query", "list-folders", {})
    assert 200 == listed.status


async def _until_second_passes() -> None:
    """Wait for the clock's next second, so that a new expiry differs from the last one."""
    await asyncio.sleep(int(time.time()) + 1 - time.time())


async def test_after_log_out_the_refresh_token_is_refused(acme: PushTenant) -> None:
    opened = await _log_in(acme, "editor")
    logged_out = await _as(acme, opened["accessToken"], "command", "log-out", {})

    refused = await _refresh(acme, opened["refreshToken"])

    assert 200 == logged_out.status
    assert (401, "identity.session-ended") == _key(refused)


async def test_a_deactivated_accounts_refresh_is_refused(acme: PushTenant) -> None:
    opened = await _log_in(acme, "viewer")
    await acme.command("admin", "deactivate-account", {"accountId": acme.account("viewer")})

    refused = await _refresh(acme, opened["refreshToken"])

    assert (401, "identity.session-ended") == _key(refused)


async def test_a_change_of_password_ends_the_other_sessions_refresh(acme: PushTenant) -> None:
    """Whoever knew the old password loses the session they refresh; the changer keeps theirs."""
    other, mine = await _log_in(acme, "editor"), await _log_in(acme, "editor")
    # pragma: allowlist nextline secret: a throwaway test password
    change = {"currentPassword": PASSWORD, "newPassword": "refresh-new-password"}
    changed = await _as(acme, mine["accessToken"], "command", "change-password", change)

    refused, kept = (
        await _refresh(acme, other["refreshToken"]),
        await _refresh(acme, mine["refreshToken"]),
    )

    assert 200 == changed.status, changed.error and changed.error.key
    assert ((401, "identity.session-ended"), 200) == (_key(refused), kept.status)


async def test_a_forged_or_malformed_refresh_token_is_refused(acme: PushTenant) -> None:
    opened = await _log_in(acme, "editor")
    genuine = opened["refreshToken"]
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")

    answers = [await _refresh(acme, token) for token in (forged, "oss_rt_nonsense", "x")]

    assert [(401, "identity.session-ended")] * 3 == [_key(answer) for answer in answers]


@pytest.fixture
async def short_idle(system: System) -> AsyncIterator[None]:
    """Sessions of this test go idle after two seconds, as OSSATURE_SESSION_IDLE_HOURS would
    say in hours."""
    assert system.pipeline is not None
    services = system.pipeline.services
    usual = services[IdentityService]
    assert isinstance(usual, IdentityService)
    services[IdentityService] = dataclasses.replace(usual, session_idle=2)
    yield
    services[IdentityService] = usual


@pytest.mark.usefixtures("short_idle")
async def test_a_session_idle_for_its_whole_window_is_refused(acme: PushTenant) -> None:
    """Refreshed within the window it slides; once a window passes unrefreshed, refused."""
    opened = await _log_in(acme, "editor")
    within = await _refresh(acme, opened["refreshToken"])
    assert 200 == within.status, within.error and within.error.key
    lapses_at = within.body["refreshableUntil"]
    # past the window's end as the server's clock reads it (the same machine's)
    await asyncio.sleep(max(0.0, lapses_at + 0.5 - time.time()))

    refused = await _refresh(acme, opened["refreshToken"])

    assert (401, "identity.session-ended") == _key(refused)


async def test_a_refresh_reads_the_grants_afresh(acme: PushTenant) -> None:
    """A role revoked after the log-in is absent from the next refreshed token."""
    opened = await _log_in(acme, "editor")
    revoke = {"accountId": acme.account("editor"), "role": "project-editor"}
    await acme.command("admin", "revoke-role", {**revoke, "folderId": acme.folders["EU"]})

    refreshed = await _refresh(acme, opened["refreshToken"])

    before = _claims(acme, opened["accessToken"]).grants
    after = _claims(acme, refreshed.body["accessToken"]).grants
    assert (1, ()) == (len(before), after)


async def test_the_locale_set_is_in_the_next_token_and_a_foreign_one_is_refused(
    acme: PushTenant,
) -> None:
    """ar is taken and carried by the refreshed token; de is refused (422) and changes nothing."""
    opened = await _log_in(acme, "viewer")
    token = opened["accessToken"]

    arabic = await _as(acme, token, "command", "set-my-locale", {"locale": "ar"})
    german = await _as(acme, token, "command", "set-my-locale", {"locale": "de"})
    refreshed = await _refresh(acme, opened["refreshToken"])

    assert (200, {"locale": "ar"}) == (arabic.status, arabic.body)
    assert (422, "identity.locale-unsupported") == _key(german)
    assert "ar" == _claims(acme, refreshed.body["accessToken"]).locale
    assert "ar" == _claims(acme, (await _log_in(acme, "viewer"))["accessToken"]).locale


async def test_get_my_account_answers_the_callers_own_account(acme: PushTenant) -> None:
    """The viewer, who may not list accounts, reads their own: language and second factor."""
    opened = await _log_in(acme, "viewer")

    mine = await _as(acme, opened["accessToken"], "query", "get-my-account", {})

    assert 200 == mine.status, mine.error and mine.error.key
    expected = (acme.account("viewer"), f"viewer@{acme.slug}.test", "en", False, "active")
    body = mine.body
    assert expected == (
        body["accountId"],
        body["email"],
        body["locale"],
        body["mfaEnabled"],
        body["status"],
    )


async def test_concurrent_refreshes_of_one_session_conflict_retryably_never_fail(
    acme: PushTenant,
) -> None:
    """Refreshes of one session at once meet on its stream: each is answered 200 or the
    retryable 409 `errors.concurrency-conflict`, never a 500 (the public command's commit is in
    the session's tenant, not the invocation's)."""
    opened = await _log_in(acme, "viewer")

    answers = await asyncio.gather(*(_refresh(acme, opened["refreshToken"]) for _ in range(6)))

    keys = {_key(answer) for answer in answers}
    assert (200, None) in keys
    assert set() == keys - {(200, None), (409, "errors.concurrency-conflict")}
