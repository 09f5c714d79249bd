"""What the contract tests share: logging in the tenant's people, catching a refusal."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pytest

from ossature.sdk import Client, OssatureError
from tests.integration._push import PASSWORD, PushTenant

__all__ = ["as_person", "email_of", "refusal"]


def email_of(people: PushTenant, who: str) -> str:
    return f"{who}@{people.slug}.test"


async def as_person(client: Client, people: PushTenant, who: str) -> Client:
    """A client on `client`'s connection, logged in as `who` with their password."""
    return await client.as_user(people.slug, email_of(people, who), PASSWORD)


async def refusal(call: Awaitable[Any]) -> OssatureError:
    """The error `call` fails with; the test fails if it succeeds."""
    with pytest.raises(OssatureError) as caught:
        await call
    return caught.value
