"""The mail sink wired into a running system: a worker's, when mail has somewhere to go."""

from __future__ import annotations

from collections.abc import Mapping

from ossature.kernel.database import Database
from ossature.kernel.mail_render import MailRenderer
from ossature.kernel.mailer import Mailer, mail_sink
from ossature.kernel.sink import SinkRunner
from ossature.kernel.smtp import SmtpTransport
from ossature.runtime.application import Application

__all__ = ["mail_runner"]


def mail_runner(
    app: Application,
    services: Mapping[type, object],
    smtp_url: str | None,
    sender: str,
    dbs: tuple[Database, Database],
    nc: object,
) -> SinkRunner | None:
    """The mail sink's runner (checkpoint in `dbs[0]`, events read from `dbs[1]`); None when
    no module declares a mail or no SMTP server is known."""
    if smtp_url is None or not any(m.mails for m in app.modules):
        return None
    renderer = MailRenderer(app.catalogs(), sender)
    mailer = Mailer(app.modules, services, renderer, SmtpTransport.from_url(smtp_url).send)
    return SinkRunner(dbs[0], dbs[1], nc, mail_sink(mailer), types=app.event_types)
