"""Problem reports on the real engines: a failure kept, reported, retried, resolved, notified.

The failures are real exceptions of commands this file defines (a module of the test's
own, run by a pipeline built for it, as test_pipeline.py does): the support module and the
pipeline that keeps and retries them are the ones `ossature up` runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.kernel.module import Anyone, CommandSpec, Module
from ossature.kernel.sensitive import Personal, Secret
from ossature.runtime.application import MODULES, Application
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.pipeline import Pipeline
from ossature.runtime.system import System
from tests.integration._push import PushTenant, listening, push_tenant, received
from tests.integration.support import Tenant


class Thing(Payload, frozen=True):
    name: str


class Secretive(Payload, frozen=True):
    password: Secret[str]


class Personally(Payload, frozen=True):
    email: Personal[str]


class Flaky:
    """A command that fails its first `failures` runs, then succeeds; it notes each run."""

    def __init__(self, failures: int) -> None:
        self.failures, self.runs = failures, []  # type: list[Context]

    async def handle(self, ctx: Context, payload: Any, deps: Deps) -> dict[str, Any]:
        self.runs.append(ctx)
        if len(self.runs) <= self.failures:
            raise RuntimeError("the disk is full")  # an unexpected failure: 500
        return {"done": len(self.runs)}


def pipeline_with(system: System, flaky: Flaky) -> Pipeline:
    """The system's pipeline with three more commands: `flaky-thing`, `secret-thing` and
    `personal-thing`."""
    assert system.pipeline is not None
    module = Module(
        name="faults",
        commands=[
            CommandSpec("flaky-thing", Thing, flaky.handle, Anyone()),
            CommandSpec("secret-thing", Secretive, flaky.handle, Anyone()),
            CommandSpec("personal-thing", Personally, flaky.handle, Anyone()),
        ],
        product=False,  # sold in no plan: the gate would refuse it
    )
    base = system.pipeline
    return Pipeline(
        Application.of([*MODULES, module]), base.db, base.access, base.audit, base.services
    )


async def reports(pipeline: Pipeline, ctx: Context) -> list[dict[str, Any]]:
    answer = await pipeline.invoke("query", "list-my-reports", {}, ctx)
    assert 200 == answer.status
    return list(answer.body["reports"])


async def test_a_reported_failure_is_retried_once_with_debug_logs_and_its_own_key(
    system: System, tenant: Tenant
) -> None:
    """The retry runs the kept payload as the reporter, with log.level=debug and the failed
    invocation's external id: once it succeeds, that key answers its outcome."""
    flaky = Flaky(failures=1)
    pipeline = pipeline_with(system, flaky)
    key = new_id()
    failed = await pipeline.invoke(
        "command", "flaky-thing", {"name": "n1"}, tenant.ctx("editor", key)
    )
    # when
    report = {"invocationId": flaky.runs[0].trace.invocation_id, "description": "oops"}
    answer = await pipeline.invoke("command", "report-problem", report, tenant.ctx("editor"))
    again = await pipeline.invoke(
        "command", "flaky-thing", {"name": "n1"}, tenant.ctx("editor", key)
    )
    # then
    retry = flaky.runs[1]
    assert (500, 200, "succeeded", 200) == (
        failed.status,
        answer.status,
        answer.body["retry"],
        answer.body["retryStatus"],
    )
    assert ({"log.level": "debug"}, key, answer.body["retryInvocationId"]) == (
        retry.toggles,
        retry.trace.external_invocation_id,
        retry.trace.invocation_id,
    )
    assert (200, retry.trace.invocation_id) == (again.status, again.repeat_of)
    listed = await reports(pipeline, tenant.ctx("editor"))
    assert [("flaky-thing", "oops", "open", "succeeded")] == [
        (r["invocationName"], r["description"], r["status"], r["retry"]) for r in listed
    ]


async def test_a_failure_that_fails_again_is_recorded_so(system: System, tenant: Tenant) -> None:
    """The retry's 500 and its invocation id are in the investigation."""
    flaky = Flaky(failures=2)
    pipeline = pipeline_with(system, flaky)
    await pipeline.invoke("command", "flaky-thing", {"name": "n"}, tenant.ctx("editor"))
    report = {"invocationId": flaky.runs[0].trace.invocation_id}
    answer = await pipeline.invoke("command", "report-problem", report, tenant.ctx("editor"))
    listed = await reports(pipeline, tenant.ctx("editor"))
    assert [("failed", 500, flaky.runs[1].trace.invocation_id)] == [
        (r["retry"], r["retryStatus"], r["retryInvocationId"]) for r in listed
    ]
    assert 200 == answer.status


@pytest.mark.parametrize(
    ("command", "payload"),
    [
        # pragma: allowlist nextline secret: a throwaway value the test looks for
        ("secret-thing", {"password": "hunter2-x"}),
        ("personal-thing", {"email": "kept-nowhere@example.test"}),
    ],
)
async def test_a_command_with_secret_or_personal_fields_is_kept_without_its_payload(
    system: System, tenant: Tenant, command: str, payload: dict[str, str]
) -> None:
    """No secret is written down, nor a person's data, which the support key would keep past
    a forgetting: the kept row has no payload; the report says why no retry."""
    flaky = Flaky(failures=5)
    pipeline = pipeline_with(system, flaky)
    await pipeline.invoke("command", command, payload, tenant.ctx("editor"))
    invocation = flaky.runs[0].trace.invocation_id
    answer = await pipeline.invoke(
        "command", "report-problem", {"invocationId": invocation}, tenant.ctx("editor")
    )
    assert system.db is not None
    async with system.db.transaction(tenant.tenant_id) as conn:
        kept = await conn.fetchrow(
            "select name, sealed_payload from kept_invocations where invocation_id = $1",
            invocation,
        )
    assert (200, "secret", None, 1) == (
        answer.status,
        answer.body["retry"],
        answer.body["retryStatus"],
        len(flaky.runs),
    )
    assert (command, None) == (kept["name"], kept["sealed_payload"])


async def test_a_kept_payload_is_sealed(system: System, tenant: Tenant) -> None:
    """The payload kept for a retry is not readable from the table."""
    flaky = Flaky(failures=1)
    pipeline = pipeline_with(system, flaky)
    await pipeline.invoke("command", "flaky-thing", {"name": "marker-7Q"}, tenant.ctx("editor"))
    assert system.db is not None
    async with system.db.transaction(tenant.tenant_id) as conn:
        sealed = await conn.fetchval(
            "select sealed_payload from kept_invocations where invocation_id = $1",
            flaky.runs[0].trace.invocation_id,
        )
    assert (True, False) == (sealed.startswith("v1."), "marker-7Q" in sealed)


@pytest.mark.parametrize("whose", ["admin", "editor"])
async def test_only_ones_own_unexpected_failure_may_be_reported(
    system: System, tenant: Tenant, whose: str
) -> None:
    """Another's invocation is not found; a success is not a failure; a second report is refused."""
    flaky = Flaky(failures=1)
    pipeline = pipeline_with(system, flaky)
    await pipeline.invoke("command", "flaky-thing", {"name": "a"}, tenant.ctx("admin"))
    await pipeline.invoke("command", "flaky-thing", {"name": "b"}, tenant.ctx(whose))
    failed, succeeded = (run.trace.invocation_id for run in flaky.runs)

    async def report(invocation: str) -> tuple[int, str | None]:
        answer = await pipeline.invoke(
            "command", "report-problem", {"invocationId": invocation}, tenant.ctx(whose)
        )
        return answer.status, answer.error.key if answer.error else None

    first = await report(failed)
    expected = {
        "admin": [(200, None), (409, "support.already-reported"), (422, "support.not-a-failure")],
        "editor": [(404, "support.invocation-not-found")] * 2 + [(422, "support.not-a-failure")],
    }[whose]
    assert expected == [first, await report(failed), await report(succeeded)]


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


async def test_the_operator_resolves_and_only_the_reporter_is_told(
    system: System, acme: PushTenant
) -> None:
    """list-investigations shows the report to the operator; resolving it answers it in the
    reporter's "My reports" and pushes the answer to the reporter alone."""
    flaky = Flaky(failures=1)
    pipeline = pipeline_with(system, flaky)
    async with listening(acme, "editor") as editor, listening(acme, "admin") as admin:
        await pipeline.invoke("command", "flaky-thing", {"name": "z"}, acme.ctx("editor"))
        report = {"invocationId": flaky.runs[0].trace.invocation_id, "description": "why?"}
        opened = await pipeline.invoke("command", "report-problem", report, acme.ctx("editor"))
        investigation = opened.body["investigationId"]
        queue = await pipeline.invoke(
            "query", "list-investigations", {"status": "open"}, internal_context(OPERATOR)
        )
        mine = [i for i in queue.body["investigations"] if i["tenantId"] == acme.tenant_id]
        # when
        resolved = await pipeline.invoke(
            "command",
            "resolve-investigation",
            {"id": investigation, "answer": "Fixed in 1.2"},
            internal_context(OPERATOR),
        )
        again = await pipeline.invoke(
            "command",
            "resolve-investigation",
            {"id": investigation, "answer": "x"},
            internal_context(OPERATOR),
        )
        await acme.command(
            "admin", "create-project", {"folderId": acme.folders["Global"], "name": "After"}
        )
        # then
        told = await received(editor, 1)
        admin_saw = await received(admin, 1)
    assert [(investigation, "why?", "Editor")] == [
        (i["investigationId"], i["description"], i["reporterName"]) for i in mine
    ]
    assert (200, 409) == (resolved.status, again.status)
    assert [("notifications.investigation-resolved", "Fixed in 1.2", "flaky-thing")] == [
        (m["messageKey"], m["params"]["answer"], m["params"]["invocationName"]) for m in told
    ]
    assert ["project-created"] == [m["eventType"] for m in admin_saw]
    listed = await reports(pipeline, acme.ctx("editor"))
    assert [("resolved", "Fixed in 1.2")] == [(r["status"], r["answer"]) for r in listed]


async def test_only_the_platform_operator_lists_and_resolves(
    system: System, tenant: Tenant
) -> None:
    """A tenant's admin holds no platform.support: 403 for both."""
    listed = await tenant.invoke("admin", "query", "list-investigations", {})
    resolved = await tenant.invoke(
        "admin", "command", "resolve-investigation", {"id": new_id(), "answer": "no"}
    )
    assert (403, 403) == (listed.status, resolved.status)
