"""A worker runs the mail sink when a module declares a mail and mail has somewhere to go."""

from pathlib import Path
from typing import Any

from ossature.kernel.mail import Mail
from ossature.kernel.module import Module
from ossature.runtime.application import MODULES, Application
from ossature.runtime.mail import mail_runner

NO_DB: Any = None


def _mailing(root: Path) -> Application:
    (root / "mails").mkdir()
    for kind in ("txt", "html"):
        (root / "mails" / f"made.{kind}.jinja").write_text("{{ name }}")
    (root / "messages.toml").write_text(
        '["mail.made.subject"]\nen = "Made"\nfr = "Fait"\nar = "تم"\n'
    )
    mail = Mail("project-created", "made", lambda envelope, services: None)
    return Application.of([*MODULES, Module("mailing", mails=[mail], root=root)])


def test_the_sink_follows_the_event_types_mails_are_declared_for(tmp_path: Path) -> None:
    """Its checkpoint is `sink-mail`, its events those of the declared mails."""
    runner = mail_runner(
        _mailing(tmp_path), {}, "smtp://127.0.0.1:2525", "o@x.test", (NO_DB, NO_DB), None
    )
    assert runner is not None
    assert "sink-mail" == runner.checkpoint
    assert "project-created" in runner.sink.event_types, "with the shipped modules' mails"


def test_no_sink_without_a_mail_or_without_a_server(tmp_path: Path) -> None:
    """Nothing to send, or nowhere to send it: no sink runs (and no consumer is made)."""
    plain = Application.of([Module("quiet")], granted=set())
    assert None is mail_runner(plain, {}, "smtp://127.0.0.1:2525", "o@x.test", (NO_DB, NO_DB), None)
    assert None is mail_runner(_mailing(tmp_path), {}, None, "o@x.test", (NO_DB, NO_DB), None)
