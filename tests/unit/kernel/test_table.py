"""The module table is checked when the application starts: a contradiction refuses to start."""

from typing import Any

import pytest

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.kernel.module import Anyone, AnyScope, CommandSpec, Module, QuerySpec
from ossature.kernel.notice import Notice
from ossature.kernel.projection import Projection
from ossature.kernel.table import TableError, check_table
from ossature.runtime.application import MODULES, Application


class Nothing(Payload, frozen=True):
    pass


class ThingMade(Event, frozen=True):
    name = "thing-made"


async def _answer(ctx: Context, payload: Nothing, deps: Deps) -> dict[str, Any]:
    return {}


async def _apply(conn: Any, envelope: Any) -> None:
    return None


def _problems(*modules: Module, granted: frozenset[str] = frozenset({"things.make"})) -> list[str]:
    with pytest.raises(TableError) as refused:
        check_table(modules, granted)
    return refused.value.problems


def test_the_shipped_modules_make_a_consistent_table() -> None:
    """Ossature's own modules start."""
    assert {"create-project", "rename-project"} <= set(Application.of().commands)


def test_a_command_declared_by_two_modules_names_both() -> None:
    """The second of two commands with one name does not silently win."""
    spec = CommandSpec("make-thing", Nothing, _answer, Anyone())
    problems = _problems(Module("a", commands=[spec]), Module("b", commands=[spec]))
    assert ["command 'make-thing' is declared by module a and by b"] == problems


def test_duplicate_queries_events_and_projections_are_refused() -> None:
    """Every kind of name is unique across the table."""
    module = Module(
        "a",
        queries=[QuerySpec("q", Nothing, _answer, Anyone())],
        events=[ThingMade],
        projections=[Projection("p", {"thing-made": _apply}, ("things",))],
    )
    assert 3 == len(_problems(module, module))


def test_a_projection_of_an_undeclared_event_is_refused() -> None:
    """A projection cannot follow an event type no module declares."""
    module = Module("a", projections=[Projection("p", {"thing-lost": _apply}, ("things",))])
    assert ["projection 'p' of module a follows 'thing-lost', which no module declares"] == (
        _problems(module)
    )


def test_a_notice_needs_a_declared_event_and_an_existing_audience_query() -> None:
    """Both ends of a notice are checked."""
    notice = Notice("thing-lost", "k", "get-thing", lambda envelope: {})
    assert 2 == len(_problems(Module("a", notices=[notice])))


def test_an_action_that_no_policy_grants_is_refused() -> None:
    """A command whose action no role could ever hold would deny everyone."""
    spec = CommandSpec("make-thing", Nothing, _answer, AnyScope("things.forge"))
    problems = _problems(Module("a", commands=[spec]))
    assert ["'things.forge'" in p and "'make-thing'" in p for p in problems] == [True]


def test_the_application_refuses_to_start_on_a_contradiction() -> None:
    """Application.of runs the check over the shipped modules plus a faulty one."""
    twin = Module("twin", commands=[CommandSpec("create-project", Nothing, _answer, Anyone())])
    with pytest.raises(TableError, match="create-project"):
        Application.of([*MODULES, twin])
