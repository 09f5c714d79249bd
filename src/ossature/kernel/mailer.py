"""The mail sink: every mail the modules declare, sent once per event (an event sink).

For each event of a type some module declares a `Mail` for, in the store's order: the
module's `compose` names the recipient, the locale and the parameters (or no mail), the
renderer makes the message from the module's templates, and the transport sends it over
SMTP. Sealed personal values of the event (decision 89) are opened first, with the tenant's
keys (`Opener`): `compose` reads them as the person wrote them, or FORGOTTEN. A mail that can never be sent (a 5xx answer, a compose or template that fails) is
recorded in `mail_failures`, logged and counted, and skipped; a transient failure is tried
again by the sink after a doubling wait (`kernel/sink.py`, decision 46).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import msgspec
from prometheus_client import Counter

from ossature.kernel.database import set_tenant
from ossature.kernel.keys import is_sealed
from ossature.kernel.logging import get_logger
from ossature.kernel.mail import Mail
from ossature.kernel.mail_render import MailRenderer
from ossature.kernel.messages import Envelope
from ossature.kernel.module import Module
from ossature.kernel.sink import Permanent, Sink

__all__ = ["MAILS_FAILED", "MAILS_SENT", "STALE_AFTER", "Mailer", "mail_sink"]

_log = get_logger("ossature.mail")

# A mail is about something that just happened, its links short-lived (an invitation's
# lasts 72 hours): an older event (the sink stopped for days, or a mail declared for a type
# with a history) is not mailed at all, only logged and counted.
STALE_AFTER = timedelta(days=3)

MAILS_SENT = Counter("ossature_mails_sent", "Mails accepted by the SMTP server.", ["template"])
MAILS_FAILED = Counter(
    "ossature_mail_failures",
    "Mails that failed: `permanent` ones are recorded and skipped, `transient` ones retried,"
    " `stale` ones (of an event older than three days) never sent.",
    ["template", "kind"],
)

Send = Callable[[EmailMessage], Awaitable[None]]
Opener = Callable[[str, Sequence[str | None]], Awaitable[list[str | None]]]
"""A tenant and sealed values → their texts (FORGOTTEN once their subject was forgotten)."""


class _Undeliverable(Permanent):
    """Mails of one event given up: (template, recipient, reason) each."""

    def __init__(self, failures: list[tuple[str, str, str]]) -> None:
        super().__init__("; ".join(reason for _, _, reason in failures))
        self.failures = failures


class _GivenUp(Exception):
    def __init__(self, recipient: str, reason: str) -> None:
        super().__init__(reason)
        self.recipient, self.reason = recipient, reason[:500]


class Mailer:
    """Composes, renders and sends the mails of one event."""

    def __init__(
        self,
        modules: Sequence[Module],
        services: Mapping[type, object],
        renderer: MailRenderer,
        send: Send,
        opener: Opener | None = None,
    ) -> None:
        self.services, self.renderer, self.send = services, renderer, send
        self.opener = opener
        self.mails: dict[str, list[tuple[Path, Mail]]] = {}
        for module in modules:
            for mail in module.mails:
                assert module.root is not None  # the table check refuses a mail without
                self.mails.setdefault(mail.event_type, []).append((module.root, mail))

    @property
    def event_types(self) -> frozenset[str]:
        """The event types some module declares a mail for."""
        return frozenset(self.mails)

    async def effect(self, envelope: Envelope) -> None:
        """Send every mail the event asks for; _Undeliverable naming those that cannot be
        (after trying the others); a transient failure raised as it is. None for an event
        older than STALE_AFTER."""
        if datetime.now(UTC) - envelope.occurred_at > STALE_AFTER:
            self._stale(envelope)
            return
        envelope = await self._opened(envelope)
        failures = []
        for root, mail in self.mails.get(envelope.event_type, []):
            try:
                message = self._message(root, mail, envelope)
                if message is not None:
                    await self._send(mail, message)
            except _GivenUp as given_up:
                failures.append((mail.template, given_up.recipient, given_up.reason))
        if failures:
            raise _Undeliverable(failures)

    async def _opened(self, envelope: Envelope) -> Envelope:
        """The envelope with its payload's sealed values opened."""
        sealed = [k for k, v in envelope.payload.items() if is_sealed(v)]
        if not sealed or self.opener is None:
            return envelope
        texts = await self.opener(envelope.tenant_id, [envelope.payload[k] for k in sealed])
        payload = envelope.payload | dict(zip(sealed, texts, strict=True))
        return msgspec.structs.replace(envelope, payload=payload)

    def _message(self, root: Path, mail: Mail, envelope: Envelope) -> EmailMessage | None:
        try:
            outgoing = mail.compose(envelope, self.services)
            if outgoing is None:
                return None
            return self.renderer.render(root, mail, envelope, outgoing)
        except Exception as error:  # a bug of the module's: the same on every try
            raise _GivenUp("", f"not made: {error!r}") from error

    async def _send(self, mail: Mail, message: EmailMessage) -> None:
        try:
            await self.send(message)
        except Permanent as refused:
            raise _GivenUp(str(message["To"]), str(refused)) from refused
        except Exception:
            MAILS_FAILED.labels(mail.template, "transient").inc()
            raise
        MAILS_SENT.labels(mail.template).inc()

    def _stale(self, envelope: Envelope) -> None:
        for _, mail in self.mails.get(envelope.event_type, []):
            MAILS_FAILED.labels(mail.template, "stale").inc()
            _log.warning("mail.stale", event_id=envelope.event_id, template=mail.template)

    async def record(self, conn: Any, envelope: Envelope, failure: Permanent) -> None:
        """Record a mail given up, in the sink's transaction; log it and count it."""
        assert isinstance(failure, _Undeliverable)
        await set_tenant(conn, envelope.tenant_id)
        for template, recipient, reason in failure.failures:
            MAILS_FAILED.labels(template, "permanent").inc()
            _log.error(
                "mail.given-up",
                event_id=envelope.event_id,
                template=template,
                reason=reason,
                **envelope.context.log_fields(),
            )
            await conn.execute(
                "insert into mail_failures (tenant_id, event_id, template, recipient, reason)"
                " values ($1, $2, $3, $4, $5) on conflict do nothing",
                envelope.tenant_id,
                envelope.event_id,
                template,
                recipient,
                reason,
            )


def mail_sink(mailer: Mailer, name: str = "mail") -> Sink:
    """The sink that runs `mailer` for each event a mail is declared for."""
    return Sink(name, mailer.event_types, mailer.effect, on_permanent=mailer.record)
