"""Sagas on the real engines: project names unique within a folder, kept by the saga
`project-names` (compensations, notices, timeouts, stuck sagas) rather than by a lock."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiomqtt
import msgspec
import pytest
from prometheus_client import REGISTRY

from ossature.kernel.context import Context
from ossature.kernel.ids import new_id
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.scheduler import Scheduler
from ossature.runtime.system import System
from tests.integration._push import PushTenant, listening, push_tenant, until

CLIENTS = 20


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


async def _sagas(system: System, tenant_id: str, state: str | None = None) -> list[dict[str, Any]]:
    """The tenant's sagas as list-sagas answers them to the platform's operator."""
    assert system.pipeline is not None
    payload = {"state": state, "limit": 500} if state else {"limit": 500}
    answer = await system.pipeline.invoke(
        "query", "list-sagas", payload, internal_context(OPERATOR)
    )
    assert answer.status == 200, answer.error and answer.error.key
    return [saga for saga in answer.body["sagas"] if saga["tenantId"] == tenant_id]


async def _projects(acme: PushTenant, folder: str) -> list[dict[str, Any]]:
    assert acme.system.pipeline is not None
    answer = await acme.system.pipeline.invoke(
        "query", "list-projects", {"folderId": acme.folders[folder]}, acme.ctx("admin")
    )
    return list(answer.body["projects"])


async def _history(acme: PushTenant, project_id: str) -> list[str]:
    assert acme.system.pipeline is not None
    answer = await acme.system.pipeline.invoke(
        "query", "get-project-history", {"projectId": project_id}, acme.ctx("admin")
    )
    return [entry["eventType"] for entry in answer.body["entries"]]


@contextlib.asynccontextmanager
async def collecting(acme: PushTenant, who: str) -> AsyncIterator[list[dict[str, Any]]]:
    """Every notification `who` receives while the block runs, decoded."""
    found: list[dict[str, Any]] = []
    async with listening(acme, who) as client:

        async def read(client: aiomqtt.Client) -> None:
            async for message in client.messages:
                found.append(json.loads(bytes(message.payload or b"")))

        task = asyncio.create_task(read(client))
        try:
            yield found
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _undone(found: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [n for n in found if n["messageKey"] == key]


async def test_twenty_concurrent_creates_of_one_name_leave_one_standing(acme: PushTenant) -> None:
    """All 20 are answered 200; then exactly one project bears the name, 19 are undone, each
    author is told of their own, and no saga is left running."""
    assert acme.system.pipeline is not None
    authors = ["admin" if n % 2 else "editor" for n in range(CLIENTS)]
    async with collecting(acme, "admin") as admin, collecting(acme, "editor") as editor:
        # when
        answers = await asyncio.gather(
            *(
                acme.system.pipeline.invoke(
                    "command",
                    "create-project",
                    {"folderId": acme.folders["France"], "name": "Atlas" if n % 3 else "ATLAS"},
                    acme.ctx(who),
                )
                for n, who in enumerate(authors)
            )
        )
        made = {a.body["projectId"]: who for a, who in zip(answers, authors, strict=True)}

        async def settled() -> bool:
            sagas = await _sagas(acme.system, acme.tenant_id)
            told = _undone(admin + editor, "notifications.project-creation-undone")
            done = len(sagas) == CLIENTS and all(s["state"] != "running" for s in sagas)
            listed = await _projects(acme, "France")
            standing = [p for p in listed if p["projectId"] in made and not p["archived"]]
            return done and len(told) == CLIENTS - 1 and len(standing) == 1

        await until(settled)
        told = {"admin": admin, "editor": editor}
    # then
    assert [200] * CLIENTS == [a.status for a in answers]
    listed = [p for p in await _projects(acme, "France") if p["projectId"] in made]
    standing = [p for p in listed if not p["archived"]]
    sagas = await _sagas(acme.system, acme.tenant_id)
    states = sorted(s["state"] for s in sagas)
    notices = {
        who: [n["entity"]["id"] for n in _undone(found, "notifications.project-creation-undone")]
        for who, found in told.items()
    }
    print(
        f"\nsaga test: {CLIENTS} concurrent creates, {len(standing)} stands,"
        f" {states.count('compensated')} compensated,"
        f" {sum(len(n) for n in notices.values())} authors notified,"
        f" {states.count('running')} running"
    )
    assert 1 == len(standing)
    assert ["compensated"] * (CLIENTS - 1) + ["completed"] == states
    assert CLIENTS - 1 == sum(len(n) for n in notices.values())
    for who, undone in notices.items():
        assert all(made[project] == who for project in undone)
    assert standing[0]["projectId"] not in notices["admin"] + notices["editor"]
    archived = [p["projectId"] for p in listed if p["archived"]]
    assert sorted(archived) == sorted(notices["admin"] + notices["editor"])
    assert ["project-created", "project-creation-undone"] == await _history(acme, archived[0])
    assert [] == await _sagas(acme.system, acme.tenant_id, "running")


_HOLD = "select projection from projection_checkpoints where projection like $1 for update"


async def test_two_creates_of_one_name_in_one_run_leave_the_first_standing(
    acme: PushTenant,
) -> None:
    """Held back while both are stored, the saga reacts to the two creations in one catch-up
    (one run): the first in the store's order keeps the name, the second is undone."""
    # given
    system, france = acme.system, acme.folders["France"]
    assert system.worker_db is not None
    async with system.worker_db.transaction(None) as conn:
        await conn.execute(_HOLD, "saga-project-names/%")
        first = await acme.command("admin", "create-project", {"folderId": france, "name": "Orbit"})
        second = await acme.command(
            "editor", "create-project", {"folderId": france, "name": "ORBIT"}
        )
        # when: the transaction ends, the saga reads both

    async def settled() -> bool:
        sagas = await _sagas(system, acme.tenant_id)
        return len(sagas) == 2 and all(s["state"] != "running" for s in sagas)

    await until(settled)
    # then
    sagas = {s["correlation"]: s for s in await _sagas(system, acme.tenant_id)}
    assert {first["projectId"]: "completed", second["projectId"]: "compensated"} == {
        project: saga["state"] for project, saga in sagas.items()
    }
    assert 1 == len({saga["startedAt"] for saga in sagas.values()})  # one catch-up
    assert ["project-created"] == await _history(acme, first["projectId"])
    assert ["project-created", "project-creation-undone"] == await _history(
        acme, second["projectId"]
    )


async def test_two_renames_to_one_name_leave_one_and_restore_the_other(acme: PushTenant) -> None:
    """The first rename in the store's order stands; the other project is called by its
    former name again, and its author is told."""
    # given
    france = acme.folders["France"]
    first = await acme.command("admin", "create-project", {"folderId": france, "name": "Alpha"})
    second = await acme.command("editor", "create-project", {"folderId": france, "name": "Beta"})
    ids = {first["projectId"]: "Alpha", second["projectId"]: "Beta"}
    async with collecting(acme, "admin") as admin, collecting(acme, "editor") as editor:
        # when
        await asyncio.gather(
            acme.command(
                "admin", "rename-project", {"projectId": first["projectId"], "name": "Gamma"}
            ),
            acme.command(
                "editor", "rename-project", {"projectId": second["projectId"], "name": "gamma"}
            ),
        )

        async def settled() -> bool:
            listed = await _projects(acme, "France")
            names = {p["name"] for p in listed if p["projectId"] in ids}
            told = _undone(admin + editor, "notifications.project-rename-undone")
            return len(told) == 1 and names & {"Alpha", "Beta"} != set()

        await until(settled)
        told = {
            "admin": _undone(admin, "notifications.project-rename-undone"),
            "editor": _undone(editor, "notifications.project-rename-undone"),
        }
    # then
    restored = (told["admin"] + told["editor"])[0]["entity"]["id"]
    author = "admin" if restored == first["projectId"] else "editor"
    listed = await _projects(acme, "France")
    names = {p["projectId"]: p["name"] for p in listed if p["projectId"] in ids}
    assert 1 == len(told[author])
    assert ids[restored] == names[restored]
    assert {"gamma"} == {name.casefold() for pid, name in names.items() if pid != restored}
    assert "project-rename-undone" == (await _history(acme, restored))[-1]


async def test_archiving_frees_a_name_and_unarchiving_under_a_taken_one_archives_again(
    acme: PushTenant,
) -> None:
    """An archived project's name may be taken; brought back meanwhile, it is archived again
    by the saga, and the project that took the name stands."""
    # given
    france = acme.folders["France"]
    old = await acme.command("admin", "create-project", {"folderId": france, "name": "Nova"})
    await acme.command("admin", "archive-project", {"projectId": old["projectId"]})
    new = await acme.command("editor", "create-project", {"folderId": france, "name": "Nova"})
    # when
    await acme.command("admin", "unarchive-project", {"projectId": old["projectId"]})

    # then
    async def settled() -> bool:
        history = await _history(acme, old["projectId"])
        sagas = await _sagas(acme.system, acme.tenant_id, "running")
        return history[-1] == "project-archived" and len(history) == 4 and not sagas

    await until(settled)
    assert ["project-created"] == await _history(acme, new["projectId"])
    assert ["compensated"] == [
        s["state"]
        for s in await _sagas(acme.system, acme.tenant_id)
        if s["correlation"] == old["projectId"] and s["state"] != "completed"
    ]


async def _stale_saga(acme: PushTenant, project_id: str, name: str, attempts: int) -> str:
    """A refused creation's saga whose deadline passed: its undoing never came."""
    system = acme.system
    assert system.worker_db is not None
    saga_id = new_id()
    ctx: Context = acme.ctx("editor")
    data = {
        "kind": "create",
        "projectId": project_id,
        "folderId": acme.folders["France"],
        "name": name,
        "authorId": acme.account("editor"),
        "attempts": attempts,
        "takenBy": new_id(),
        "restore": None,
    }
    async with system.worker_db.transaction(acme.tenant_id) as conn:
        await conn.execute(
            "insert into sagas (saga_id, tenant_id, saga_type, correlation, state, data,"
            " deadline, context) values ($1, $2, 'project-names', $3, 'running', $4, $5, $6)",
            saga_id,
            acme.tenant_id,
            project_id,
            data,
            datetime.now(UTC) - timedelta(minutes=1),
            msgspec.to_builtins(ctx),
        )
    return saga_id


def _scheduler(system: System) -> Scheduler:
    assert system.scheduler_db is not None and system.pipeline is not None
    return Scheduler(system.scheduler_db, system.pipeline, sagas=system.app.sagas)


async def test_a_saga_past_its_deadline_sends_its_compensation_again(acme: PushTenant) -> None:
    """The scheduler's tick fires the timeout step: the creation is undone, the saga ends
    compensated."""
    # given
    made = await acme.command(
        "editor", "create-project", {"folderId": acme.folders["France"], "name": "Late"}
    )
    saga_id = await _stale_saga(acme, made["projectId"], "Late", attempts=1)
    # when
    stuck = await _scheduler(acme.system).tick_sagas(datetime.now(UTC))

    # then
    async def compensated() -> bool:
        sagas = await _sagas(acme.system, acme.tenant_id, "compensated")
        return saga_id in {s["sagaId"] for s in sagas}

    await until(compensated)
    assert [] == [s for s in stuck if s.saga_id == saga_id]
    assert "project-creation-undone" == (await _history(acme, made["projectId"]))[-1]


async def test_a_saga_that_cannot_finish_is_stuck_counted_and_alerted(acme: PushTenant) -> None:
    """Past its last attempt, a saga is marked stuck, counted by ossature_sagas_stuck and
    logged as saga.stuck at error level."""
    # given
    made = await acme.command(
        "editor", "create-project", {"folderId": acme.folders["France"], "name": "Lost"}
    )
    saga_id = await _stale_saga(acme, made["projectId"], "Lost", attempts=3)
    # when
    stuck = await _scheduler(acme.system).tick_sagas(datetime.now(UTC))
    # then
    assert [saga_id] == [s.saga_id for s in stuck if s.saga_id == saga_id]
    assert [saga_id] == [s["sagaId"] for s in await _sagas(acme.system, acme.tenant_id, "stuck")]
    assert (REGISTRY.get_sample_value("ossature_sagas_stuck") or 0) >= 1
    assert (REGISTRY.get_sample_value("ossature_sagas", {"state": "stuck"}) or 0) >= 1
    copy = Path(os.environ["OSSATURE_LOG_COPY"]) / f"{os.getpid()}.jsonl"
    lines = [json.loads(line) for line in copy.read_text().splitlines() if "saga.stuck" in line]
    assert [("error", made["projectId"])] == [
        (line["level"], line["correlation"]) for line in lines if line.get("saga_id") == saga_id
    ]
