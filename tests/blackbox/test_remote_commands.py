"""Commands answered over NATS: a gateway routing the projects module's commands to
`ossature serve commands` processes, all real OS processes on the running system's engines."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.blackbox._api import PROBLEM, System, Tenant, TokenFor, call, new_ulid
from tests.blackbox._commands import CommandsProcess, commands_process, routing_gateway

DEADLINE = 6.0  # the routing gateway's: long enough for a burst on two busy cores
BURST = 24


@pytest.fixture(scope="module")
def gateway(system: System) -> Iterator[str]:
    with routing_gateway(system, DEADLINE) as base_url:
        yield base_url


@pytest.fixture
async def routed(gateway: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway, timeout=60) as client:
        yield client


async def _create(
    http: httpx.AsyncClient, token: str, folder_id: str, name: str, key: str | None = None
) -> httpx.Response:
    payload = {"folderId": folder_id, "name": name}
    return await call(
        http, "commands/create-project", payload, token, {"Idempotency-Key": key or new_ulid()}
    )


async def _created(store: Any, name: str) -> list[Any]:
    """The project-created events of projects named `name`, with their contexts."""
    return list(
        await store.fetch(
            "select stream_id, context from events"
            " where event_type = 'project-created' and payload->>'projectName' = $1",
            name,
        )
    )


def _context(row: Any) -> dict[str, Any]:
    context = row["context"]
    return context if isinstance(context, dict) else json.loads(context)


async def test_commands_processes_answer_the_routed_commands_and_share_them(
    system: System, routed: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, owner: Any
) -> None:
    """create-project through the routing gateway answers 200; its event was appended by an
    invocation whose parent is the gateway's; a burst is shared by both processes."""
    token = await token_for("editor@acme")
    folder = acme.folders["France"]
    with (
        commands_process(system, "commands-a") as first,
        commands_process(system, "commands-b") as second,
    ):
        name = f"Routed {new_ulid()}"
        made = await _create(routed, token, folder, name)
        assert 200 == made.status_code, made.text
        [row] = await _created(owner, name)
        trace = _context(row)["trace"]
        assert (made.json()["projectId"], made.headers["x-invocation-id"]) == (
            row["stream_id"],
            trace["parentInvocationId"],
        )
        assert made.headers["x-invocation-id"] != trace["invocationId"]
        assert made.headers["x-trace-id"] == trace["originatingTraceId"]

        burst = [f"Burst {i} {new_ulid()}" for i in range(BURST)]
        answers = await asyncio.gather(*(_create(routed, token, folder, n) for n in burst))
        assert [200] * BURST == [answer.status_code for answer in answers], answers[0].text

        rows = [row for n in burst for row in await _created(owner, n)]
        invocations = {_context(row)["trace"]["invocationId"] for row in rows}
        served = await _served(invocations, first, second)
    assert BURST == sum(served) and all(served), served


async def _served(invocations: set[str], *processes: CommandsProcess) -> list[int]:
    """How many of `invocations` each process logged, once their lines are all written
    (a process writes its log lines in batches)."""
    deadline = time.monotonic() + 30
    while True:
        served = [
            len(invocations & {line["invocation_id"] for line in p.invocations("create-project")})
            for p in processes
        ]
        if sum(served) == len(invocations) or time.monotonic() > deadline:
            return served
        await asyncio.sleep(0.1)


async def test_a_batch_of_routed_commands_is_answered_by_a_commands_process(
    system: System, routed: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, owner: Any
) -> None:
    """Each command of a batch goes over NATS: its event's invocation is a child of the
    batch item's."""
    token = await token_for("editor@acme")
    names = [f"Batched {i} {new_ulid()}" for i in range(2)]
    items = [
        {"name": "create-project", "payload": {"folderId": acme.folders["France"], "name": n}}
        for n in names
    ]
    with commands_process(system, "commands-batch"):
        answer = await call(routed, "commands", {"invocations": items}, token)
    assert 200 == answer.status_code, answer.text
    outcomes = answer.json()["outcomes"]
    assert [200, 200] == [outcome["status"] for outcome in outcomes]
    parents = [
        _context(row)["trace"]["parentInvocationId"]
        for n in names
        for row in await _created(owner, n)
    ]
    assert [outcome["invocationId"] for outcome in outcomes] == parents


async def test_with_no_commands_process_a_keyed_504_is_answered_and_its_retry_applies_once(
    system: System, routed: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, owner: Any
) -> None:
    """No process listens: 504 errors.command-timeout at once, retryable, with Retry-After;
    once one serves, the same key answers 200 and one project exists."""
    token = await token_for("editor@acme")
    name, key = f"Unanswered {new_ulid()}", new_ulid()
    started = time.monotonic()
    refused = await _create(routed, token, acme.folders["France"], name, key)
    waited = time.monotonic() - started
    assert (504, PROBLEM) == (refused.status_code, refused.headers["content-type"])
    problem = refused.json()
    assert ("errors.command-timeout", True) == (problem["messageKey"], problem["retryable"])
    assert "1" == refused.headers["retry-after"]
    assert waited < DEADLINE, "no responders: answered at once, not after the deadline"

    with commands_process(system, "commands-late"):
        retried = await _create(routed, token, acme.folders["France"], name, key)
    assert 200 == retried.status_code, retried.text
    assert [retried.json()["projectId"]] == [
        row["stream_id"] for row in await _created(owner, name)
    ]


async def test_a_command_answered_past_the_deadline_is_not_applied_twice_by_its_retry(
    system: System, routed: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, owner: Any
) -> None:
    """A stopped commands process holds the request: 504 after the deadline; resumed, it
    applies the command; the retry with the same key answers that first outcome."""
    token = await token_for("editor@acme")
    name, key = f"Late {new_ulid()}", new_ulid()
    with commands_process(system, "commands-stopped") as late:
        os.kill(late.process.pid, signal.SIGSTOP)
        try:
            refused = await _create(routed, token, acme.folders["France"], name, key)
        finally:
            os.kill(late.process.pid, signal.SIGCONT)
        assert (504, "errors.command-timeout") == (
            refused.status_code,
            refused.json()["messageKey"],
        )
        await _applied(late, key)
        retried = await _create(routed, token, acme.folders["France"], name, key)
    assert 200 == retried.status_code, retried.text
    [row] = await _created(owner, name)
    assert retried.json()["projectId"] == row["stream_id"]
    assert refused.headers["x-invocation-id"] == _context(row)["trace"]["parentInvocationId"]
    first, repeat = await _applied(late, key, 2)
    assert (None, first["invocation_id"]) == (first["repeat_of"], repeat["repeat_of"])


async def _applied(process: CommandsProcess, key: str, count: int = 1) -> list[dict[str, Any]]:
    """The invocation lines of idempotency key `key` in `process`'s log, once there are
    `count` of them (a process writes its log lines in batches; a generous deadline)."""
    deadline = time.monotonic() + 60
    while True:
        lines = [
            line
            for line in process.invocations("create-project")
            if line.get("external_invocation_id") == key
        ]
        if len(lines) >= count:
            return lines
        assert time.monotonic() < deadline, process.log_path.read_text()[-3000:]
        await asyncio.sleep(0.1)
