"""Sessions through the SDK: the refresh token kept from log_in renews the access token
(refresh-session), and set-my-locale, through every backend (decision 58)."""

from __future__ import annotations

import asyncio

from ossature.sdk import Client, Unauthenticated, token_claims
from tests.contract.support import email_of, refusal
from tests.integration._push import PASSWORD, PushTenant


async def test_log_in_keeps_a_refresh_token_that_renews_the_same_session(
    client: Client, people: PushTenant
) -> None:
    session = await client.log_in(people.slug, email_of(people, "editor"), PASSWORD)

    renewed = await client.refresh_session()

    assert session.refresh_token is not None and session.refresh_token.startswith("oss_rt_")
    assert (session.session_id, session.refresh_token) == (
        renewed.session_id,
        renewed.refresh_token,
    )
    assert client.token == renewed.access_token != session.access_token
    assert renewed.refreshable_until is not None and session.refreshable_until is not None
    assert renewed.refreshable_until >= session.refreshable_until
    assert {"Global", "EU", "France"} == {f["name"] for f in await client.list_folders()}


async def test_access_token_renews_an_expiring_token_with_the_refresh_token_alone(
    client: Client, people: PushTenant
) -> None:
    """A client given only a token and a refresh token (as a browser session holds them)
    renews the token when it would expire within the margin: no password needed."""
    session = await client.log_in(people.slug, email_of(people, "viewer"), PASSWORD)
    held = client.with_token(session.access_token)
    held.refresh_token = session.refresh_token

    fresh = await held.access_token(margin=3600.0)  # the token (15 min) expires within it

    assert fresh != session.access_token
    assert session.session_id == token_claims(fresh)["sid"]


async def test_once_logged_out_the_refresh_token_is_refused(
    client: Client, people: PushTenant
) -> None:
    session = await client.log_in(people.slug, email_of(people, "editor"), PASSWORD)
    await client.log_out()
    client.refresh_token = session.refresh_token

    refused = await refusal(client.refresh_session())

    assert isinstance(refused, Unauthenticated)
    assert "identity.session-ended" == refused.message_key


async def test_set_my_locale_reaches_the_renewed_token(client: Client, people: PushTenant) -> None:
    await client.log_in(people.slug, email_of(people, "admin"), PASSWORD)

    await client.set_my_locale("fr")
    renewed = await client.refresh_session()

    assert "fr" == token_claims(renewed.access_token)["locale"]


async def test_concurrent_refreshes_of_one_session_all_succeed(
    client: Client, people: PushTenant
) -> None:
    """Tabs renewing at once meet on the session's stream; the loser's retryable conflict is
    retried by the SDK, so each gets a token of the same session."""
    session = await client.log_in(people.slug, email_of(people, "viewer"), PASSWORD)
    holders = [client.with_token(session.access_token) for _ in range(4)]
    for holder in holders:
        holder.refresh_token = session.refresh_token

    renewed = await asyncio.gather(*(holder.refresh_session() for holder in holders))

    assert {session.session_id} == {one.session_id for one in renewed}
