"""The browse pages' own reasoning, pure: a folder's trail, when a list shows a change, and
what a pushed notification may put in a toast."""

from __future__ import annotations

from ossature.web.pages.browse import _params, _shows, _start, _trail, _version

FOLDERS = [
    {"folderId": "g", "name": "Global", "parentId": None},
    {"folderId": "eu", "name": "EU", "parentId": "g"},
    {"folderId": "fr", "name": "France", "parentId": "eu"},
]


def test_a_trail_runs_from_the_highest_visible_folder_to_the_folder() -> None:
    """A folder whose parent is not visible starts the trail."""
    assert (["g", "eu", "fr"], ["eu", "fr"]) == (
        [f["folderId"] for f in _trail(FOLDERS, FOLDERS[2])],
        [f["folderId"] for f in _trail(FOLDERS[1:], FOLDERS[2])],
    )


def test_a_list_shows_a_change_once_it_holds_the_project_at_its_version() -> None:
    """A project of another folder is never waited for."""
    now = {"projectId": "p", "folderId": "fr", "version": 2}
    old = [{"projectId": "p", "folderId": "fr", "version": 1}]
    new = [{"projectId": "p", "folderId": "fr", "version": 2}]
    assert [False, True, False, True] == [
        _shows(old, "fr", now),
        _shows(new, "fr", now),
        _shows([], "fr", now),
        _shows([], "eu", now),
    ]


def test_a_toast_takes_only_a_json_object_of_parameters_as_text() -> None:
    """Anything else is no parameters at all; values become text (escaped by the template)."""
    assert [{"projectName": "<b>", "n": "1"}, {}, {}] == [
        _params('{"projectName": "<b>", "n": 1}'),
        _params("[1, 2]"),
        _params("not json"),
    ]


def test_a_page_cursor_is_a_small_non_negative_number_or_none() -> None:
    assert [3, None, None, None] == [_version("3"), _version("-1"), _version("x"), _version(None)]


def test_a_list_page_starts_where_asked_else_at_the_changed_project_else_first() -> None:
    """Pages of 50: an asked start is rounded down to a page; a fresh project's page is shown."""
    projects = [{"projectId": f"p{n}"} for n in range(120)]
    assert [50, 0, 100, 0, 0] == [
        _start(projects, 73, "p110"),
        _start(projects, 0, "p110"),
        _start(projects, None, "p110"),
        _start(projects, None, "gone"),
        _start(projects, None, None),
    ]
