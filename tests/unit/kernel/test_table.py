"""The module table is checked when the application starts: a contradiction refuses to start."""

from pathlib import Path
from typing import Any

import pytest

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.mail import Mail, template_files
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


def _no_mail(envelope: Any, services: Any) -> None:
    return None


def _mailing_module(root: Path, *mails: Mail, files: bool = True, subjects: str = "") -> Module:
    (root / "mails").mkdir(parents=True, exist_ok=True)
    if files:
        for mail in mails:
            for file in template_files(root, mail.template):
                file.write_text("{{ link }}")
    (root / "messages.toml").write_text(subjects)
    return Module("a", events=[ThingMade], mails=mails, root=root)


def test_a_mail_with_its_templates_and_subjects_is_accepted(tmp_path: Path) -> None:
    """A declared event, both template files and the subject in en, fr and ar: it starts."""
    subjects = '["mail.thing.subject"]\nen = "A thing"\nfr = "Une chose"\nar = "شيء"\n'
    check_table(
        [_mailing_module(tmp_path, Mail("thing-made", "thing", _no_mail), subjects=subjects)], set()
    )


def test_a_mail_of_an_undeclared_event_without_files_or_subject_is_refused(tmp_path: Path) -> None:
    """Every missing piece of a mail is named: the event, each file, each locale's subject."""
    module = _mailing_module(tmp_path, Mail("thing-lost", "thing", _no_mail), files=False)
    problems = _problems(module)
    assert [
        "the mail 'thing' of module a follows 'thing-lost', which no module declares",
        f"the mail 'thing' of module a misses its file {tmp_path}/mails/thing.txt.jinja",
        f"the mail 'thing' of module a misses its file {tmp_path}/mails/thing.html.jinja",
        "the mail 'thing' of module a has no subject 'mail.thing.subject' in en (its messages.toml)",
        "the mail 'thing' of module a has no subject 'mail.thing.subject' in fr (its messages.toml)",
        "the mail 'thing' of module a has no subject 'mail.thing.subject' in ar (its messages.toml)",
    ] == problems


def test_a_mail_template_declared_twice_is_refused(tmp_path: Path) -> None:
    """Two mails cannot share a template name: their subjects would share one key."""
    subjects = '["mail.thing.subject"]\nen = "A thing"\nfr = "Une chose"\nar = "شيء"\n'
    mail = Mail("thing-made", "thing", _no_mail)
    problems = _problems(_mailing_module(tmp_path, mail, mail, subjects=subjects))
    assert ["mail template 'thing' is declared by module a and by a"] == problems


def test_a_mail_of_a_module_without_a_root_is_refused() -> None:
    """Templates are files of the module: a module without a folder cannot have any."""
    module = Module("a", events=[ThingMade], mails=[Mail("thing-made", "thing", _no_mail)])
    assert ["the mail 'thing' of module a has no templates: the module names no root folder"] == (
        _problems(module)
    )


def test_a_module_may_append_an_event_another_module_declares() -> None:
    """identity appends access's role-assigned: declared by its owner, it starts."""
    check_table([Module("owner", events=[ThingMade]), Module("user", appends=[ThingMade])], ())


def test_appending_an_event_no_module_declares_is_refused() -> None:
    problems = _problems(Module("user", appends=[ThingMade]))
    assert ["module user appends 'thing-made' (ThingMade), which no module declares"] == problems


def test_what_a_module_may_append_is_its_own_events_and_those_it_names() -> None:
    class OtherMade(Event, frozen=True):
        name = "other-made"

    module = Module("user", events=[OtherMade], appends=[ThingMade])
    assert frozenset({OtherMade, ThingMade}) == module.appendable
