"""The client over a stand-in gateway in process: what it sends, and how it reads answers."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ossature.sdk import Client, Denied, InProcess, Invocation, Unavailable

# pragma: allowlist nextline secret: a W3C trace id
INVOCATION, TRACE = "01JINVOCATION0000000000000", "0af7651916cd43dd8448eb211c80319c"
IDS = {"X-Invocation-Id": INVOCATION, "X-Trace-Id": TRACE}


class Gateway:
    """Answers each POST with the next of its answers and keeps the requests it got."""

    def __init__(self, *answers: tuple[int, dict[str, Any]]) -> None:
        self.answers, self.requests = list(answers), []
        self.app = Starlette(routes=[Route("/{path:path}", self.answer, methods=["POST"])])

    async def answer(self, request: Request) -> JSONResponse:
        self.requests.append((request.url.path, dict(request.headers), await request.json()))
        status, body = self.answers.pop(0)
        media = "application/json" if status < 400 else "application/problem+json"
        return JSONResponse(body, status, headers=IDS, media_type=media)

    def header(self, index: int, name: str) -> str | None:
        return self.requests[index][1].get(name.lower())


def problem(status: int, key: str, retryable: bool = False) -> tuple[int, dict[str, Any]]:
    return status, {"status": status, "messageKey": key, "retryable": retryable}


async def test_a_command_posts_its_payload_with_the_token_and_a_key() -> None:
    """A command is a POST to /commands/NAME, with the bearer token and a ULID key."""
    gateway = Gateway((200, {"projectId": "p"}))

    async with Client(InProcess(gateway.app), token="t0k3n") as client:
        answer = await client.command("create-project", {"name": "n"})

    path, headers, body = gateway.requests[0]
    assert ({"projectId": "p"}, "/commands/create-project", {"name": "n"}) == (answer, path, body)
    assert "Bearer t0k3n" == headers["authorization"]
    assert 26 == len(headers["idempotency-key"])


async def test_the_ids_of_the_last_answer_are_kept() -> None:
    """The invocation and trace ids of an answer are kept on the client."""
    gateway = Gateway((200, {}))

    async with Client(InProcess(gateway.app)) as client:
        await client.query("list-folders")
        actual = (client.last_invocation_id, client.last_trace_id)

    assert (INVOCATION, TRACE) == actual


async def test_a_problem_raises_the_exception_of_its_status_with_its_key() -> None:
    """A 403 problem raises Denied, carrying its key and the answer's invocation id."""
    gateway = Gateway(problem(403, "errors.denied"))

    async with Client(InProcess(gateway.app)) as client:
        with pytest.raises(Denied) as caught:
            await client.command("archive-project", {})

    assert ("errors.denied", INVOCATION) == (caught.value.message_key, caught.value.invocation_id)


async def test_retries_resend_the_same_idempotency_key() -> None:
    """A retryable refusal is resent with the key of the first attempt."""
    gateway = Gateway(problem(503, "errors.unavailable", retryable=True), (200, {"ok": True}))

    async with Client(InProcess(gateway.app)) as client:
        answer = await client.command("create-project", {}, retries=1)

    assert {"ok": True} == answer
    assert gateway.header(0, "Idempotency-Key") == gateway.header(1, "Idempotency-Key")


async def test_without_retries_a_retryable_refusal_is_raised() -> None:
    """By default a call is tried once: Unavailable is raised, marked retryable."""
    gateway = Gateway(problem(503, "errors.unavailable", retryable=True))

    async with Client(InProcess(gateway.app)) as client:
        with pytest.raises(Unavailable) as caught:
            await client.command("create-project", {})

    assert caught.value.retryable
    assert 1 == len(gateway.requests)


async def test_a_batch_sends_one_key_per_invocation_and_reads_each_outcome() -> None:
    """A batch keeps the given key, makes the missing one, and reads each outcome's id."""
    outcomes = [
        {"status": 200, "invocationId": "01A", "body": {"projectId": "p"}},
        {"status": 403, "invocationId": "01B", "body": {"messageKey": "errors.denied"}},
    ]
    gateway = Gateway((200, {"outcomes": outcomes}))
    batch = [Invocation("create-project", {}, "01JKEY0000000000000000000A"), Invocation("x")]

    async with Client(InProcess(gateway.app)) as client:
        answer = await client.batch("commands", batch)

    sent = [item["idempotencyKey"] for item in gateway.requests[0][2]["invocations"]]
    assert "01JKEY0000000000000000000A" == sent[0] and 26 == len(sent[1])
    assert [("01A", None), ("01B", Denied)] == [
        (o.invocation_id, type(o.error) if o.error else None) for o in answer
    ]


async def test_identities_on_one_connection_send_their_own_tokens() -> None:
    """with_token makes another identity on the same connection; each sends its own token."""
    gateway = Gateway((200, {}), (200, {}))

    async with Client(InProcess(gateway.app), token="a") as first:
        await first.with_token("b").query("list-folders")
        await first.query("list-folders")

    assert ["Bearer b", "Bearer a"] == [gateway.header(i, "Authorization") for i in (0, 1)]


async def test_a_project_s_history_is_read_whole_by_following_its_pages() -> None:
    """get_project_history asks again from each page's `next` until there is none."""
    first = {"entries": [{"version": 1}, {"version": 2}], "next": 2}
    last = {"entries": [{"version": 3}], "next": None}
    gateway = Gateway((200, first), (200, last))

    async with Client(InProcess(gateway.app), token="t") as client:
        entries = await client.get_project_history("p")

    sent = [body for _, _, body in gateway.requests]
    assert [1, 2, 3] == [entry["version"] for entry in entries]
    assert [None, 2] == [body.get("after") for body in sent]
    assert {"p"} == {body["projectId"] for body in sent}
