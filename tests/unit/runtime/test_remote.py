"""The wire of commands sent over NATS: the context's header and its fork, the reply, the
routing by module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ossature.kernel.config import Settings
from ossature.kernel.context import Actor, Context, Grant
from ossature.kernel.errors import Denied
from ossature.runtime.application import Application
from ossature.runtime.contexts import new_trace
from ossature.runtime.pipeline import Result
from ossature.runtime.remote import (
    CONTEXT_HEADER,
    CommandTimeout,
    RemoteCommands,
    decode_reply,
    encode_reply,
    invocation_of,
    request_headers,
    subject_of,
)

ACTOR = Actor(
    account_id="01J0ACCOUNT",
    kind="user",
    tenant_id="01J0TENANT",
    locale="fr",
    mechanism="session",
    session_id="01J0SESSION",
    grants=(Grant(role="editor", folder_id="01J0FOLDER"),),
)


@dataclass
class _Pipeline:
    """What RemoteCommands reads of a pipeline to route: the application's table."""

    app: Application


def _remote(*modules: str) -> RemoteCommands:
    pipeline: Any = _Pipeline(Application.of())
    return RemoteCommands(pipeline, nc=None, routed=modules, deadline=10)


def test_a_request_carries_the_context_which_the_commands_process_runs_forked() -> None:
    """The received context is the sent one but for its invocation: a new id, the sent one
    as parent, the same trace and external id."""
    sent = Context(access=ACTOR, trace=new_trace(), toggles={"beta": "on"})
    # when
    received, raw = invocation_of(request_headers(sent), b'{"name": "Lyon"}')
    # then
    forked = received.trace
    assert sent.trace.invocation_id == forked.parent_invocation_id
    assert sent.trace.invocation_id != forked.invocation_id
    assert (sent.trace.originating_trace_id, sent.trace.external_invocation_id) == (
        forked.originating_trace_id,
        forked.external_invocation_id,
    )
    assert (sent.access, sent.toggles, {"name": "Lyon"}) == (received.access, received.toggles, raw)


def test_the_headers_name_the_trace_for_any_reader() -> None:
    """Beside the context, a W3C traceparent of the same trace."""
    ctx = Context(access=ACTOR, trace=new_trace())
    headers = request_headers(ctx)
    assert {CONTEXT_HEADER, "traceparent"} == set(headers)
    assert ctx.trace.traceparent == headers["traceparent"]


def test_a_reply_carries_the_result_and_its_error() -> None:
    """Status, body, the error's key, status, parameters and retryability, the repeat."""
    denied = Denied({"action": "projects.create", "at": datetime(2026, 1, 2, tzinfo=UTC)})
    # when
    result = decode_reply(encode_reply(Result(403, {}, denied, repeat_of="01J0FIRST")))
    # then
    assert result.error is not None
    error = result.error
    assert (403, "errors.denied", 403, False, "01J0FIRST") == (
        result.status,
        error.key,
        error.status,
        error.retryable,
        result.repeat_of,
    )
    assert {"action": "projects.create", "at": "2026-01-02 00:00:00+00:00"} == error.params


def test_a_successful_reply_has_its_body() -> None:
    body = {"projectId": "01J0PROJECT", "names": ["a", "b"]}
    assert Result(200, body) == decode_reply(encode_reply(Result(200, body)))


def test_a_timeout_is_a_retryable_504_that_says_when_to_retry() -> None:
    error = CommandTimeout({"seconds": 10, "retryAfter": 1})
    assert ("errors.command-timeout", 504, True) == (error.key, error.status, error.retryable)


def test_only_the_commands_of_routed_modules_go_out() -> None:
    """A routed module's command goes to its subject; its queries, another module's
    commands and unknown names stay in the gateway."""
    remote = _remote("projects")
    assert ("projects", None, None, None) == (
        remote.module_of("command", "create-project"),
        remote.module_of("query", "list-projects"),
        remote.module_of("command", "assign-role"),
        remote.module_of("command", "no-such-command"),
    )
    assert "ossature.commands.projects.create-project" == subject_of("projects", "create-project")


def test_a_star_routes_every_modules_commands() -> None:
    remote = _remote("*")
    assert ("projects", "access") == (
        remote.module_of("command", "create-project"),
        remote.module_of("command", "assign-role"),
    )


def test_the_settings_name_the_routed_modules_and_the_deadline() -> None:
    """A comma list, blanks dropped; none by default (every command in the gateway), 10 s."""
    given = {
        "OSSATURE_REMOTE_MODULES": " projects, ,billing",
        "OSSATURE_COMMAND_DEADLINE_SECONDS": "2.5",
    }
    default = Settings.from_env({})
    settings = Settings.from_env(given)
    assert ((), 10.0) == (default.remote_modules, default.command_deadline_seconds)
    assert (("projects", "billing"), 2.5) == (
        settings.remote_modules,
        settings.command_deadline_seconds,
    )


def test_a_request_without_its_context_or_with_a_broken_one_is_refused() -> None:
    """No header, a header that is not base64, a body that is not JSON: each raises."""
    ctx = Context(access=ACTOR, trace=new_trace())
    broken = [
        ({}, b"{}"),
        ({CONTEXT_HEADER: "not base64!"}, b"{}"),
        (request_headers(ctx), b"{not json"),
    ]
    raised = []
    for headers, data in broken:
        try:
            invocation_of(headers, data)
        except (KeyError, ValueError) as error:
            raised.append(type(error).__name__)
    assert 3 == len(raised), raised
