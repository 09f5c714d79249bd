"""The saga `project-names`, its pure decisions: which name a project may keep, and what
undoes one it may not (decision 108). No I/O: what the tables say arrives as arguments.

A claim saga starts for each project-created, project-renamed and project-unarchived: the
first project to claim a name in a folder keeps it; a later one is compensated, its creation
undone (archived), its rename undone (its kept name restored) or its unarchiving undone
(archived again). The saga ends `compensated` when the undoing event arrives, `completed`
when the project needed no undoing, or when it moved on by itself (a later rename that
holds, an archive).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ossature.kernel.sagas import SagaRecord, Send, Step

__all__ = [
    "ATTEMPTS",
    "Claim",
    "compensation",
    "decide_claim",
    "decide_claims",
    "decide_moved_on",
    "decide_timeout",
    "decide_undone",
    "name_key",
]

Claim = Literal["create", "rename", "unarchive"]
ATTEMPTS = 3  # compensations sent before a saga is given up as stuck
Update = tuple[str, Step]


def name_key(name: str) -> str:
    """What two names must share to be the same name in a folder."""
    return name.casefold()


def decide_claim(
    kind: Claim, data: Mapping[str, Any], holder: str | None, kept: str | None
) -> Step:
    """A claim's step: `holder` is the project that holds the name (None: nobody), `kept` the
    name the project keeps meanwhile (a rename's compensation restores it)."""
    facts = {**data, "kind": kind, "attempts": 1}
    if holder in (None, data["projectId"]):
        return Step("completed", facts)
    facts |= {"takenBy": holder, "restore": kept}
    return Step("running", facts, (compensation(facts, 1),))


def decide_claims(
    kind: Claim, claims: Sequence[Mapping[str, Any]], holders: Mapping[tuple[str, str], str]
) -> list[Step]:
    """The steps of claims taken in this order, none keeping a name meanwhile: `holders` hold
    the names before the first, by (folder, name key); a name one claim keeps is held for
    the later ones, so of two claims of one name the first stands."""
    held = dict(holders)
    steps = []
    for data in claims:
        where = (data["folderId"], name_key(data["name"]))
        step = decide_claim(kind, data, held.get(where), None)
        if step.state == "completed":
            held[where] = data["projectId"]
        steps.append(step)
    return steps


def compensation(data: Mapping[str, Any], attempt: int) -> Send:
    """The command that undoes a refused claim (its `attempt`th sending)."""
    project, folder = data["projectId"], data["folderId"]
    step = f"undo-{attempt}"
    if data["kind"] == "rename" and data.get("restore") is not None:
        payload = {
            "projectId": project,
            "refusedName": data["name"],
            "restoredName": data["restore"],
        }
        return Send(step, "undo-project-rename", payload, folder)
    if data["kind"] == "unarchive":
        return Send(step, "archive-project", {"projectId": project}, folder)
    # a creation, or a rename of a project that keeps no name of its own
    return Send(
        step, "undo-project-creation", {"projectId": project, "refusedName": data["name"]}, folder
    )


def decide_undone(running: Sequence[SagaRecord], kinds: Sequence[Claim], name: str) -> list[Update]:
    """The undoing event of a refused `name` arrived: the sagas waiting for it are done."""
    return [
        (saga.saga_id, Step("compensated", saga.data))
        for saga in running
        if saga.data["kind"] in kinds and name_key(saga.data["name"]) == name_key(name)
    ]


def decide_moved_on(
    running: Sequence[SagaRecord], compensated: Sequence[Claim] = ()
) -> list[Update]:
    """The project moved on by itself (a rename that holds, an archive): nothing is left to
    undo; a saga of a kind in `compensated` was undone by it."""
    return [
        (
            saga.saga_id,
            Step("compensated" if saga.data["kind"] in compensated else "completed", saga.data),
        )
        for saga in running
    ]


def decide_timeout(saga: SagaRecord) -> Step:
    """Past its deadline, a saga sends its compensation again, until it gives up: stuck."""
    attempts = int(saga.data.get("attempts", 1))
    if attempts >= ATTEMPTS:
        return Step("stuck", saga.data)
    data = {**saga.data, "attempts": attempts + 1}
    return Step("running", data, (compensation(data, attempts + 1),))
