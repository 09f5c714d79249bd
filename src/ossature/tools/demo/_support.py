"""What the demo's steps share: their state, and helpers to state expectations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ossature.sdk import Backend, Client, Json, OssatureError

__all__ = [
    "FOLDERS",
    "OTHER_TENANT",
    "TENANT",
    "Demo",
    "StepFailed",
    "check",
    "describe",
    "eventually",
    "expect_problem",
    "ids",
    "status_of",
]

TENANT, OTHER_TENANT = "acme", "globex"
FOLDERS = ("Global", "EU", "France", "US")
POLL_SECONDS, POLL_INTERVAL = 5.0, 0.2
T = TypeVar("T")


class StepFailed(Exception):
    """A step's answer differs from its expectation."""


@dataclass
class Demo:
    """What the steps share: the connection, who is logged in, and what earlier steps made."""

    client: Client
    password: str
    backend: Backend | None = None  # where the client's calls go: the web steps' pages too
    users: dict[str, Client] = field(default_factory=dict)
    logins: int = 0
    folders: dict[str, str] = field(default_factory=dict)
    project_id: str = ""
    project_name: str = ""
    create_key: str = ""
    create_ids: set[str] = field(default_factory=set)
    rename_ids: set[str] = field(default_factory=set)
    denied_ids: set[str] = field(default_factory=set)
    us_projects: list[Json] = field(default_factory=list)
    mfa: dict[str, str] = field(default_factory=dict)  # the MFA steps' account: email, secret
    maildir: Path | None = None  # where the embedded SMTP server keeps mails, if it does
    invited: tuple[str, str, Client] | None = None  # an invited account: email, password, session
    admin: dict[str, str] = field(default_factory=dict)  # the administration steps' account
    report: dict[str, str] = field(default_factory=dict)  # the support steps' investigation

    async def user(self, role: str, tenant: str = TENANT) -> Client:
        """The client logged in as `role@tenant.test`, logging in on first use."""
        email = f"{role}@{tenant}.test"
        if email not in self.users:
            try:
                self.users[email] = await self.client.as_user(tenant, email, self.password)
            except OssatureError as error:
                raise StepFailed(f"{email} cannot log in: {describe(error)}") from error
            self.logins += tenant == TENANT
        return self.users[email]

    def folder(self, name: str) -> str:
        check(name in self.folders, f"folder {name} was not listed")
        return self.folders[name]


def check(condition: bool, failure: str) -> None:
    if not condition:
        raise StepFailed(failure)


def ids(client: Client, *known: str | None) -> set[str]:
    """The ids an invocation may be recorded under: our key, the server's invocation id."""
    return {value for value in (*known, client.last_invocation_id) if value}


async def expect_problem(call: Awaitable[Any], status: int) -> OssatureError:
    """The error `call` fails with, provided it has `status` and a message key."""
    try:
        answer = await call
    except OssatureError as error:
        check(error.status == status, f"expected {status}, got {describe(error)}")
        check("messageKey" in error.problem, f"{status} without a messageKey")
        return error
    raise StepFailed(f"expected {status}, got success {answer}")


async def eventually(probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool]) -> T:
    """The probe's first accepted answer, or its last after a few seconds: read models lag."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        try:
            answer = await probe()
            if accept(answer) or time.monotonic() > deadline:
                return answer
        except OssatureError as error:
            if error.status != 404 or time.monotonic() > deadline:
                raise
        await asyncio.sleep(POLL_INTERVAL)


async def status_of(call: Awaitable[Any]) -> int:
    try:
        await call
    except OssatureError as error:
        return error.status
    return 200


def describe(error: OssatureError) -> str:
    """The error in a few words, with what helps find it in the logs."""
    where = f"invocation {error.invocation_id}" if error.invocation_id else None
    hint = where or error.message_params.get("reason")
    return f"{error.status} {error.message_key}" + (f" ({hint})" if hint else "")
