"""A project's history read from its stream, pure: what each event changed, search, paging."""

from __future__ import annotations

from ossature.kernel.context import Context
from ossature.kernel.memory import InMemory
from ossature.modules.projects import MODULE
from ossature.modules.projects.history import HistoryEntry, entries_of, matching, page_of
from tests.unit.support import user_context


def editor() -> Context:
    return user_context("project-editor", "eu", "acme")


async def _history(names: dict[str, str] | None = None) -> list[HistoryEntry]:
    """Apollo created, renamed Artemis, archived, unarchived: four entries."""
    memory = InMemory(MODULE)
    made = await memory.command(editor(), "create-project", {"folderId": "eu", "name": "Apollo"})
    project_id = str(made["projectId"])
    for name, payload in [
        ("rename-project", {"projectId": project_id, "name": "Artemis"}),
        ("archive-project", {"projectId": project_id}),
        ("unarchive-project", {"projectId": project_id}),
    ]:
        await memory.command(editor(), name, payload)
    stream = memory.stream(editor(), project_id)
    actor = stream.envelopes[0].context.access
    assert actor is not None
    return entries_of(stream.envelopes, stream.events, names or {actor.account_id: "Eve"})


async def test_each_entry_says_what_changed_before_and_after() -> None:
    """Creation sets every field (before None); a rename changes the name; archiving and
    unarchiving flip archived."""
    entries = await _history()
    expected = [
        [
            {"field": "name", "before": None, "after": "Apollo"},
            {"field": "folderId", "before": None, "after": "eu"},
            {"field": "archived", "before": None, "after": False},
        ],
        [{"field": "name", "before": "Apollo", "after": "Artemis"}],
        [{"field": "archived", "before": False, "after": True}],
        [{"field": "archived", "before": True, "after": False}],
    ]
    assert expected == [entry["changes"] for entry in entries]


async def test_each_entry_names_its_actor_and_its_invocation() -> None:
    """The actor's id and name (from the names given) and the invocation id of each command."""
    entries = await _history()
    assert [("Eve", True, True)] * 4 == [
        (e["actorName"], bool(e["actorId"]), bool(e["invocationId"])) for e in entries
    ]


async def test_an_actor_without_a_name_has_none() -> None:
    """A service or a deleted account: the id stays, the name is None."""
    entries = await _history({"someone-else": "Bob"})
    assert {None} == {entry["actorName"] for entry in entries}


async def test_the_search_matches_a_changed_value_the_event_type_or_the_actor() -> None:
    """Case-insensitive; a blank text keeps everything."""
    entries = await _history()
    found = {
        text: [e["version"] for e in matching(entries, text)]
        for text in ("apollo", "ARCHIVED", "eve", "  ", "nothing")
    }
    assert {
        "apollo": [1, 2],
        "ARCHIVED": [3, 4],
        "eve": [1, 2, 3, 4],
        "  ": [1, 2, 3, 4],
        "nothing": [],
    } == found


async def test_pages_follow_the_cursor_in_either_order() -> None:
    """`next` is the last version of a page; the last page has none."""
    entries = await _history()
    oldest = page_of(entries, False, None, 3)
    rest = page_of(entries, False, oldest["next"], 3)
    newest = page_of(entries, True, None, 2)
    older = page_of(entries, True, newest["next"], 2)
    assert ([1, 2, 3], 3, [4], None, [4, 3], 3, [2, 1], None) == (
        [e["version"] for e in oldest["entries"]],
        oldest["next"],
        [e["version"] for e in rest["entries"]],
        rest["next"],
        [e["version"] for e in newest["entries"]],
        newest["next"],
        [e["version"] for e in older["entries"]],
        older["next"],
    )
