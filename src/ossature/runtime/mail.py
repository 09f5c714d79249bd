"""The mail sink wired into a running system: a worker's, when mail has somewhere to go."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ossature.kernel.database import Database
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.mail_render import MailRenderer
from ossature.kernel.mailer import Mailer, Opener, mail_sink
from ossature.kernel.sink import SinkRunner
from ossature.kernel.smtp import SmtpTransport
from ossature.runtime.application import Application

__all__ = ["mail_runner"]


def _opener(db: Database, services: Mapping[type, object]) -> Opener | None:
    """Opens the sealed values of an event for its mail, in a transaction of its tenant."""
    keys = services.get(PersonalKeys)
    if not isinstance(keys, PersonalKeys):
        return None

    async def opener(tenant_id: str, values: Sequence[str | None]) -> list[str | None]:
        async with db.transaction(tenant_id, readonly=True) as conn:
            return await keys.open_many(conn, tenant_id, values)

    return opener


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
    send = SmtpTransport.from_url(smtp_url).send
    mailer = Mailer(app.modules, services, renderer, send, _opener(dbs[0], services))
    return SinkRunner(dbs[0], dbs[1], nc, mail_sink(mailer), types=app.event_types)
