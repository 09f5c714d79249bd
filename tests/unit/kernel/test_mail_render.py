"""Mails rendered from a module's templates and catalog, and sent once per event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from ossature.kernel.i18n import Catalogs
from ossature.kernel.mail import Mail, OutgoingMail
from ossature.kernel.mail_render import MailRenderer
from ossature.kernel.mailer import STALE_AFTER, Mailer
from ossature.kernel.messages import Envelope
from ossature.kernel.module import Module
from ossature.kernel.sink import Permanent
from tests.unit.support import user_context

SUBJECTS = """
["mail.welcome.subject"]
en = "Welcome, {name}"
fr = "Bienvenue, {name}"

["mail.welcome.body"]
en = "Follow {link}"
fr = "Suivez {link}"
"""


def _module(root: Path, *mails: Mail) -> Module:
    (root / "mails").mkdir()
    (root / "mails" / "welcome.txt.jinja").write_text("{{ t('mail.welcome.body') }}\n")
    (root / "mails" / "welcome.html.jinja").write_text(
        "<p>{{ name }}</p><p>{{ t('mail.welcome.body') }}</p>"
    )
    (root / "messages.toml").write_text(SUBJECTS)
    return Module("welcoming", mails=mails, root=root)


def _envelope(event_type: str = "account-made", occurred_at: datetime | None = None) -> Envelope:
    return Envelope(
        event_id="E1",
        event_type=event_type,
        schema_version=1,
        stream_type="account",
        stream_id="A1",
        stream_version=1,
        tenant_id="acme",
        occurred_at=occurred_at or datetime.now(UTC),
        payload={"name": "<Zoé>"},
        context=user_context("admin", "F"),
    )


def _to(locale: str) -> Mail:
    def compose(envelope: Envelope, services: Mapping[type, object]) -> OutgoingMail:
        name = str(envelope.payload["name"])
        return OutgoingMail(
            "zoe@example.test", locale, {"name": name, "link": "https://x/?a=1&b=2"}
        )

    return Mail("account-made", "welcome", compose)


def _render(tmp_path: Path, locale: str, envelope: Envelope | None = None) -> EmailMessage:
    mail = _to(locale)
    module = _module(tmp_path, mail)
    assert module.root and module.messages
    renderer = MailRenderer(Catalogs.load([module.messages]), "Ossature <no-reply@example.test>")
    envelope = envelope or _envelope()
    outgoing = mail.compose(envelope, {})
    assert outgoing is not None
    return renderer.render(module.root, mail, envelope, outgoing)


def _part(message: EmailMessage, kind: str) -> str:
    body = message.get_body((kind,))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def test_a_mail_is_rendered_in_the_recipients_locale_with_both_parts(tmp_path: Path) -> None:
    """French subject and text; the HTML escapes what the parameters hold, the text does not."""
    message = _render(tmp_path, "fr")
    assert "Bienvenue, <Zoé>" == message["Subject"]
    assert "Suivez https://x/?a=1&b=2\n" == _part(message, "plain")
    assert (
        "<p>&lt;Zoé&gt;</p><p>Suivez https://x/?a=1&amp;b=2</p>" == _part(message, "html").strip()
    )
    assert "fr" == message["Content-Language"]


def test_a_locale_without_a_catalog_falls_back_to_english(tmp_path: Path) -> None:
    """A recipient whose locale no catalog has reads the fallback's words."""
    assert "Welcome, <Zoé>" == _render(tmp_path, "de")["Subject"]


def test_the_headers_name_the_event_and_its_cause(tmp_path: Path) -> None:
    """Message-ID from the event id (the same on every try), the event's time, the trace."""
    envelope = _envelope(occurred_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    message = _render(tmp_path, "en", envelope)
    trace = envelope.context.trace
    assert "<E1.welcome@ossature>" == message["Message-ID"]
    assert "Thu, 03 Dec 2026 10:00:00 +0000" == message["Date"]
    assert trace.traceparent == message["traceparent"]
    assert (trace.invocation_id, trace.originating_trace_id) == (
        message["X-Ossature-Invocation-Id"],
        message["X-Ossature-Trace-Id"],
    )
    assert "zoe@example.test" == message["To"]


async def test_a_mail_that_cannot_be_made_is_given_up_and_the_others_still_go(
    tmp_path: Path,
) -> None:
    """A compose that fails is permanent (it would fail again); the event's other mail is sent."""

    def broken(envelope: Envelope, services: Mapping[type, object]) -> OutgoingMail:
        raise KeyError("email")

    module = _module(tmp_path, Mail("account-made", "broken", broken), _to("en"))
    assert module.messages is not None
    sent: list[EmailMessage] = []

    async def send(message: EmailMessage) -> None:
        sent.append(message)

    renderer = MailRenderer(Catalogs.load([module.messages]), "o@example.test")
    mailer = Mailer([module], {}, renderer, send)
    with pytest.raises(Permanent, match="not made: KeyError"):
        await mailer.effect(_envelope())
    assert ["<E1.welcome@ossature>"] == [m["Message-ID"] for m in sent]


async def test_an_event_no_mail_follows_sends_nothing(tmp_path: Path) -> None:
    """Only the declared event types are mailed; compose answering None mails no one."""
    silent = Mail("account-made", "welcome", lambda envelope, services: None)
    module = _module(tmp_path, silent)
    assert module.messages is not None
    sent: list[EmailMessage] = []

    async def send(message: EmailMessage) -> None:
        sent.append(message)

    mailer = Mailer([module], {}, MailRenderer(Catalogs.load([module.messages]), "o@x.test"), send)
    await mailer.effect(_envelope())
    await mailer.effect(_envelope("account-gone"))
    assert ([], frozenset({"account-made"})) == (sent, mailer.event_types)


async def test_an_event_older_than_three_days_is_not_mailed(tmp_path: Path) -> None:
    """Its links would have expired: nothing is sent, and nothing is raised to retry."""
    module = _module(tmp_path, _to("en"))
    assert module.messages is not None
    sent: list[EmailMessage] = []

    async def send(message: EmailMessage) -> None:
        sent.append(message)

    mailer = Mailer([module], {}, MailRenderer(Catalogs.load([module.messages]), "o@x.test"), send)
    old = datetime.now(UTC) - STALE_AFTER - timedelta(minutes=1)
    await mailer.effect(_envelope(occurred_at=old))
    assert [] == sent
