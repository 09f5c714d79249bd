"""The changelog on the real engines: published by the operator, listed and pushed to everyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ossature.kernel.ids import new_id
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.system import System
from tests.integration._push import PushTenant, failed, mqtt, push_tenant, received
from tests.integration.support import Tenant


def entry(marker: str, **more: Any) -> dict[str, Any]:
    return {
        "title": {"en": f"Dark mode {marker}", "fr": f"Mode sombre {marker}"},
        "body": {"en": "Pages follow the system's theme.", "ar": "تتبع الصفحات سمة النظام."},
        **more,
    }


async def publish(system: System, payload: dict[str, Any]) -> Any:
    assert system.pipeline is not None
    return await system.pipeline.invoke(
        "command", "publish-announcement", payload, internal_context(OPERATOR)
    )


async def listed(tenant: Tenant, who: str, **query: Any) -> dict[str, Any]:
    answer = await tenant.invoke(who, "query", "list-announcements", query)
    assert 200 == answer.status, answer.error and answer.error.key
    return dict(answer.body)


async def test_every_user_of_every_tenant_reads_a_published_entry(
    system: System, tenant: Tenant
) -> None:
    """Published in the platform's tenant, listed to a viewer of another tenant, in each locale."""
    marker = new_id()
    made = await publish(system, entry(marker, link="/changelog"))
    found = await listed(tenant, "viewer", text=marker)
    assert 200 == made.status
    assert [
        (
            made.body["announcementId"],
            {"en": f"Dark mode {marker}", "fr": f"Mode sombre {marker}"},
            "/changelog",
        )
    ] == [(a["announcementId"], a["title"], a["link"]) for a in found["announcements"]]


async def test_the_changelog_is_filtered_by_text_and_date_a_page_at_a_time(
    system: System, tenant: Tenant
) -> None:
    """Newest first; `text` matches any locale's title or body; `since`/`until` are days."""
    marker = new_id()
    ids = [(await publish(system, entry(f"{marker} {n}"))).body["announcementId"] for n in range(3)]
    today = datetime.now(UTC).date()
    page = await listed(tenant, "editor", text=marker, limit=2, offset=1)
    french = await listed(tenant, "editor", text=f"sombre {marker} 1")
    future = await listed(tenant, "editor", text=marker, since=str(today + timedelta(days=1)))
    past = await listed(tenant, "editor", text=marker, until=str(today - timedelta(days=1)))
    assert ([ids[1], ids[0]], 3) == (
        [a["announcementId"] for a in page["announcements"]],
        page["total"],
    )
    assert [ids[1]] == [a["announcementId"] for a in french["announcements"]]
    assert (0, 0) == (future["total"], past["total"])


@pytest.mark.parametrize(
    "payload",
    [
        {"title": {"fr": "Sans anglais"}, "body": {"en": "b"}},
        {"title": {"en": "t", "de": "Deutsch"}, "body": {"en": "b"}},
        {"title": {"en": " "}, "body": {"en": "b"}},
        {"title": {"en": "t"}, "body": {"en": "b"}, "link": "javascript:alert(1)"},
    ],
)
async def test_an_entry_without_english_or_with_a_bad_link_is_refused(
    system: System, tenant: Tenant, payload: dict[str, Any]
) -> None:
    """A keyed 422; nothing is listed."""
    before = (await listed(tenant, "admin"))["total"]
    made = await publish(system, payload)
    assert (422, "errors.invalid-payload", before) == (
        made.status,
        made.error and made.error.key,
        (await listed(tenant, "admin"))["total"],
    )


async def test_only_the_platform_operator_publishes(tenant: Tenant) -> None:
    """A tenant's admin holds no platform.announce."""
    made = await tenant.invoke("admin", "command", "publish-announcement", entry("x"))
    assert 403 == made.status


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


async def test_a_published_entry_is_pushed_once_on_the_broadcast_topic(
    system: System, acme: PushTenant
) -> None:
    """Every admitted user may read `announcements`, and reads the entry there, its titles
    in every locale given."""
    marker = new_id()
    client_id = f"{acme.account('viewer')}-news"
    async with mqtt(system, acme.tenant_id, acme.tokens["viewer"], client_id) as client:
        assert not failed(await client.subscribe("announcements"))
        made = await publish(system, entry(marker))
        messages = await received(client, 1)
    assert [
        (
            "notifications.announcement-published",
            made.body["announcementId"],
            f"Dark mode {marker}",
            f"Mode sombre {marker}",
        )
    ] == [
        (m["messageKey"], m["entity"]["id"], m["params"]["title"], m["params"]["titles"]["fr"])
        for m in messages
    ]
