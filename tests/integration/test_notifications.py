"""Server push on the real engines: who is notified, what they get, and what they cannot do."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import msgspec
import nats
import pytest
from aiomqtt import MqttCodeError, MqttError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ossature.kernel.ids import new_id
from ossature.modules.identity._tokens import KeyRing, SigningKey
from ossature.modules.notifications.notifier import Notifier
from ossature.runtime.system import System
from tests.integration._push import (
    PushTenant,
    failed,
    listening,
    log_in,
    mqtt,
    push_tenant,
    received,
    sdk_client,
    short_lived,
    until,
)


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


@pytest.fixture
async def globex(system: System) -> PushTenant:
    return await push_tenant(system)


def seen(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(m["eventType"], m["entity"]["id"]) for m in messages]


async def test_everyone_who_may_see_a_project_is_notified_and_no_one_else(
    acme: PushTenant, globex: PushTenant
) -> None:
    """The get-project rule decides: admin (Global) and editor (EU) see France, viewer sees US.

    Each client's messages come in event order, so a notification it should not have
    had would show up before the ones it expects.
    """
    async with (
        listening(acme, "admin") as admin,
        listening(acme, "editor") as editor,
        listening(acme, "viewer") as viewer,
        listening(globex, "admin") as stranger,
    ):
        # when
        france = await acme.command(
            "editor", "create-project", {"folderId": acme.folders["France"], "name": "F"}
        )
        us = await acme.command(
            "admin", "create-project", {"folderId": acme.folders["US"], "name": "U"}
        )
        await acme.command(
            "admin", "rename-project", {"projectId": france["projectId"], "name": "F2"}
        )
        await acme.command("admin", "archive-project", {"projectId": us["projectId"]})
        theirs = await globex.command(
            "admin", "create-project", {"folderId": globex.folders["Global"], "name": "G"}
        )
        # then
        f, u, g = france["projectId"], us["projectId"], theirs["projectId"]
        assert seen(await received(admin, 4)) == [
            ("project-created", f),
            ("project-created", u),
            ("project-renamed", f),
            ("project-archived", u),
        ]
        assert seen(await received(editor, 2)) == [("project-created", f), ("project-renamed", f)]
        assert seen(await received(viewer, 2)) == [("project-created", u), ("project-archived", u)]
        assert seen(await received(stranger, 1)) == [("project-created", g)]


async def test_a_notification_carries_a_message_key_params_entity_event_and_trace(
    acme: PushTenant,
) -> None:
    """The JSON names the message key and its parameters (no text), the entity, the event id
    and the trace ids of the invocation that caused it."""
    async with listening(acme, "editor") as editor:
        # given
        made = await acme.command(
            "editor", "create-project", {"folderId": acme.folders["France"], "name": "Old"}
        )
        project_id = made["projectId"]
        await received(editor, 1)
        ctx = acme.ctx("admin")
        # when
        await acme.command(
            "admin", "rename-project", {"projectId": project_id, "name": "New"}, ctx=ctx
        )
        [notification] = await received(editor, 1)
    # then
    history = await acme.system.pipeline.invoke(  # type: ignore[union-attr]
        "query", "get-project-history", {"projectId": project_id}, acme.ctx("admin")
    )
    event_id = history.body["entries"][-1]["eventId"]
    expected_trace = {
        "clientActionId": ctx.trace.client_action_id,
        "externalInvocationId": ctx.trace.external_invocation_id,
        "originatingTraceId": ctx.trace.originating_trace_id,
        "parentInvocationId": None,
        "invocationId": ctx.trace.invocation_id,
    }
    assert {
        "messageKey": "notifications.project-renamed",
        "params": {
            "actorName": "Admin",
            "projectId": project_id,
            "projectName": "New",
            "previousName": "Old",
        },
        "entity": {"type": "project", "id": project_id},
        "eventId": event_id,
        "eventType": "project-renamed",
        "actorId": acme.account("admin"),
        "trace": expected_trace,
    } == {key: value for key, value in notification.items() if key != "occurredAt"}


async def test_an_archived_project_notification_names_the_project(acme: PushTenant) -> None:
    """project-archived carries no name; the notice reads it from the project's stream."""
    async with listening(acme, "editor") as editor:
        made = await acme.command(
            "editor", "create-project", {"folderId": acme.folders["France"], "name": "Kept name"}
        )
        await received(editor, 1)
        await acme.command("editor", "archive-project", {"projectId": made["projectId"]})
        [notification] = await received(editor, 1)
    assert ("notifications.project-archived", "Kept name") == (
        notification["messageKey"],
        notification["params"]["projectName"],
    )


@pytest.mark.parametrize(
    "topic",
    [
        "tenants/{tenant}/users/{other}/notifications",
        "tenants/{stranger_tenant}/users/{stranger}/notifications",
        "tenants/{tenant}/users/+/notifications",
        "tenants/#",
        "ossature/events/#",
        "notifications/#",
        "$JS/API/#",
    ],
)
async def test_a_client_cannot_subscribe_beyond_its_own_topic(
    acme: PushTenant, globex: PushTenant, topic: str
) -> None:
    """Another user's or tenant's topic, wildcards over them, and the event subjects are refused."""
    foreign = topic.format(
        tenant=acme.tenant_id,
        other=acme.account("admin"),
        stranger_tenant=globex.tenant_id,
        stranger=globex.account("admin"),
    )
    async with listening(acme, "editor") as editor:
        granted = await editor.subscribe(foreign)
    assert failed(granted)


def forged(acme: PushTenant) -> str:
    stranger_keys = KeyRing(SigningKey(new_id(), Ed25519PrivateKey.generate()))
    return short_lived(stranger_keys, acme.claims["editor"], 600)


async def expired(acme: PushTenant) -> str:
    assert acme.system.secrets is not None
    token = short_lived(acme.system.secrets.keys, acme.claims["editor"], 1)
    await asyncio.sleep(6.5)  # past the expiry and the verification leeway
    return token


async def logged_out(acme: PushTenant) -> str:
    """A token of a session that has since been logged out of."""
    assert acme.system.secrets is not None
    token = await log_in(acme, "viewer")
    session = acme.system.secrets.keys.verify(token, int(time.time())).session_id
    ctx = acme.ctx("viewer")
    assert ctx.access is not None
    actor = msgspec.structs.replace(ctx.access, session_id=session)
    await acme.command("viewer", "log-out", {}, ctx=ctx.acting_as(actor))
    return token


@pytest.mark.parametrize(
    "case", ["forged", "expired", "other-tenant", "no-token", "logged-out", "foreign-client-id"]
)
async def test_a_bad_token_is_refused_at_connect(
    acme: PushTenant, globex: PushTenant, case: str
) -> None:
    """Forged, expired, another tenant's, absent, or of an ended session: CONNACK not authorized."""
    # given
    username, client_id = acme.tenant_id, f"{acme.account('editor')}-{secrets.token_hex(3)}"
    token = acme.tokens["editor"]
    if case == "forged":
        token = forged(acme)
    elif case == "expired":
        token = await expired(acme)
    elif case == "other-tenant":
        token = globex.tokens["editor"]
        client_id = f"{globex.account('editor')}-x"
    elif case == "no-token":
        token = ""
    elif case == "logged-out":
        token = await logged_out(acme)
        client_id = f"{acme.account('viewer')}-x"
    elif case == "foreign-client-id":
        client_id = f"{acme.account('admin')}-x"
    # when
    with pytest.raises(MqttCodeError) as refused:
        async with mqtt(acme.system, username, token, client_id):
            pass
    # then
    assert refused.value.rc is not None and getattr(
        refused.value.rc, "value", refused.value.rc
    ) in (
        5,
        135,
    )


async def test_a_user_token_cannot_read_events_nor_use_jetstream_over_nats(
    acme: PushTenant,
) -> None:
    """A NATS client admitted by its token cannot subscribe to events nor reach $JS.API."""
    errors: list[str] = []

    async def collect(error: Exception) -> None:
        errors.append(str(error).lower())

    nc = await nats.connect(
        servers=acme.system.endpoints.nats_url.split(","),
        user=acme.tenant_id,
        password=acme.tokens["admin"],
        allow_reconnect=False,
        error_cb=collect,
    )
    try:
        await nc.subscribe("ossature.events.>")
        await nc.publish("ossature.events.x.project.project-created", b"{}")
        await nc.publish("$JS.API.STREAM.NAMES", b"")
        await nc.flush()
        await until(lambda: len(errors) >= 3)
    finally:
        await nc.close()
    assert [
        'permissions violation for subscription to "ossature.events.>"',
        'permissions violation for publish to "ossature.events.x.project.project-created"',
        'permissions violation for publish to "$js.api.stream.names"',
    ] == [error.removeprefix("nats: ") for error in errors[:3]]


async def test_the_broker_disconnects_a_client_when_its_token_expires(acme: PushTenant) -> None:
    """A client connected with a token valid for 2 s more is dropped once it expires."""
    assert acme.system.secrets is not None
    token = short_lived(acme.system.secrets.keys, acme.claims["editor"], 2)
    client_id = f"{acme.account('editor')}-short"
    async with mqtt(acme.system, acme.tenant_id, token, client_id) as client:
        await client.subscribe(acme.topic("editor"))
        with pytest.raises(MqttError):
            await next_message(client)


async def next_message(client: Any) -> Any:
    async with asyncio.timeout(30):
        return await anext(client.messages)


async def test_the_sdk_reconnects_with_a_fresh_token_after_expiry(acme: PushTenant) -> None:
    """`subscribe` asks its token provider again when the broker drops an expired token."""
    # given: a provider whose first token expires in 2 s
    assert acme.system.secrets is not None
    keys, claims = acme.system.secrets.keys, acme.claims["editor"]
    issued: list[str] = []

    async def provider() -> str:
        issued.append(short_lived(keys, claims, 2 if not issued else 600))
        return issued[-1]

    async with sdk_client(acme.system) as client, client.subscribe(token=provider) as subscription:
        made = await acme.command(
            "editor", "create-project", {"folderId": acme.folders["France"], "name": "Before"}
        )
        async with asyncio.timeout(20):
            await anext(subscription)  # its creation, before the token expires
        waiting = asyncio.ensure_future(anext(subscription))
        await until(lambda: len(issued) == 2 and subscription.connected)
        # when
        await acme.command(
            "admin", "rename-project", {"projectId": made["projectId"], "name": "After"}
        )
        async with asyncio.timeout(20):
            notification = await waiting
    # then
    assert (1, "After") == (subscription.reconnects, notification.params["projectName"])


async def test_the_sdk_subscribes_over_mqtt_over_websocket(acme: PushTenant) -> None:
    """A browser-like client on the websocket listener's /mqtt gets the same notifications."""
    async with sdk_client(acme.system) as client:
        client.token = acme.tokens["viewer"]
        async with client.subscribe(websocket=True) as subscription:
            made = await acme.command(
                "admin", "create-project", {"folderId": acme.folders["US"], "name": "Web"}
            )
            async with asyncio.timeout(20):
                notification = await anext(subscription)
    assert ("notifications.project-created", made["projectId"]) == (
        notification.message_key,
        notification.entity_id,
    )


async def test_the_discovery_document_says_where_to_connect(system: System) -> None:
    """GET /.well-known/ossature-configuration names the MQTT and WebSocket URLs and the JWKS."""
    async with sdk_client(system) as client:
        configuration = await client.configuration()
    assert (
        system.endpoints.mqtt_url,
        system.endpoints.websocket_url,
        "http://ossature.test/.well-known/jwks.json",
    ) == (
        configuration["mqtt"]["url"],
        configuration["mqtt"]["websocketUrl"],
        configuration["jwksUri"],
    )


class Killed(Exception):
    """Stands for the process dying: raised from inside the notifier, it is not caught."""


async def test_a_notifier_killed_midway_and_restarted_delivers_every_message_once(
    system: System, acme: PushTenant
) -> None:
    """Killed after publishing part of a batch (checkpoint not moved), restarted: no repeats."""
    # given: the running notifier dies after its third publish
    old: Notifier = system.notifier
    published = 0

    async def die_on_third(delivery: Any, duplicate: bool) -> None:
        nonlocal published
        published += delivery.tenant_id == acme.tenant_id  # not an earlier test's tail
        if published == 3:
            raise asyncio.CancelledError  # the task ends here, as in a crash: nothing is acked

    old.on_published = die_on_third
    async with listening(acme, "admin") as admin, listening(acme, "editor") as editor:
        projects = []
        for name in ("A", "B", "C"):
            body = {"folderId": acme.folders["France"], "name": name}
            projects.append((await acme.command("editor", "create-project", body))["projectId"])
        await until(lambda: published >= 3)
        # when: a new notifier (from the same cursor) takes over
        repeats: list[str] = []
        acked: set[str] = set()  # the entities of the restarted notifier's acked deliveries

        async def count_repeats(delivery: Any, duplicate: bool) -> None:
            acked.add(delivery.notification.entity.id)
            if duplicate:
                repeats.append(delivery.message_id)

        restarted = Notifier(
            old.db, old.nc, old.modules, old.access, old.services, on_published=count_repeats
        )
        system.notifier = restarted
        system.tasks.append(asyncio.create_task(restarted.run(system.stopping)))
        marker = await acme.command(
            "editor", "create-project", {"folderId": acme.folders["France"], "name": "Marker"}
        )
        # then: each recipient gets A, B, C once, then the marker (a repeat would come before it)
        expected = [("project-created", p) for p in [*projects, marker["projectId"]]]
        assert seen(await received(admin, 4)) == expected
        assert seen(await received(editor, 4)) == expected
        # and the restarted notifier did publish again what the killed one had: the stream
        # passes the marker on before its ack is back, so wait until the marker is acked
        await until(lambda: marker["projectId"] in acked)
        assert repeats
