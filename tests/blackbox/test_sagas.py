"""The saga project-names in a running `ossature up`: two creates of one name in a folder
over HTTP, one undone; list-sagas and /metrics show it."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from tests.blackbox._api import Tenant, TokenFor, call, eventually, new_ulid

WAIT = 60.0  # generous: a guard against a hang, never a measure


async def _create(http: httpx.AsyncClient, token: str, folder: str, name: str) -> httpx.Response:
    body = {"folderId": folder, "name": name}
    return await call(http, "commands/create-project", body, token, {"Idempotency-Key": new_ulid()})


async def test_two_creates_of_one_name_leave_one_and_metrics_count_the_sagas(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """Both answered 200; one project keeps the name, the other is archived by its
    compensation; list-sagas shows both sagas ended; /metrics counts sagas by state."""
    # given
    admin, editor = await token_for("admin@acme"), await token_for("editor@acme")
    folder = (
        await call(
            http,
            "commands/create-folder",
            {"parentId": acme.folders["France"], "name": new_ulid()},
            admin,
        )
    ).json()["folderId"]
    # when
    answers = await asyncio.gather(
        _create(http, admin, folder, "Twin"), _create(http, editor, folder, "twin")
    )
    # then
    assert [200, 200] == [a.status_code for a in answers], [a.text for a in answers]
    made = {a.json()["projectId"] for a in answers}

    async def listed() -> list[dict[str, Any]]:
        found = await call(http, "queries/list-projects", {"folderId": folder}, admin)
        return [p for p in found.json()["projects"] if p["projectId"] in made]

    projects = await eventually(listed, lambda ps: sum(p["archived"] for p in ps) == 1, WAIT)
    assert [False, True] == sorted(p["archived"] for p in projects)
    operator = await token_for("operator@platform")

    async def sagas() -> list[dict[str, Any]]:
        found = await call(http, "queries/list-sagas", {"limit": 500}, operator)
        assert 200 == found.status_code, found.text
        return [s for s in found.json()["sagas"] if s["correlation"] in made]

    ended = await eventually(
        sagas, lambda ss: len(ss) == 2 and all(s["state"] != "running" for s in ss), WAIT
    )
    assert ["compensated", "completed"] == sorted(s["state"] for s in ended)
    counted = re.compile(r'^ossature_sagas\{state="compensated"\} ([0-9.e+]+)$', re.MULTILINE)

    async def metrics() -> str:
        return (await http.get("/metrics")).text

    def compensated(text: str) -> float:
        found = counted.search(text)
        return float(found.group(1)) if found else 0.0

    text = await eventually(metrics, lambda t: compensated(t) >= 1, WAIT)  # the next tick's count
    assert compensated(text) >= 1
    assert re.search(r"^ossature_sagas_stuck [0-9.e+]+$", text, re.MULTILINE)
