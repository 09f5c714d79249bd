"""The mail sink on the real engines and a real SMTP server: one mail per event, whatever
happens between the send and the checkpoint (decision 46)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import mailbox
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from prometheus_client import REGISTRY

from ossature.kernel.i18n import Catalogs
from ossature.kernel.ids import new_id
from ossature.kernel.mail_render import MailRenderer
from ossature.kernel.mailer import Mailer, Send, mail_sink
from ossature.kernel.messages import Envelope
from ossature.kernel.module import Module
from ossature.kernel.relay import EVENT_STREAM
from ossature.kernel.sink import Sink, SinkRunner
from ossature.kernel.smtp import SmtpTransport
from ossature.runtime.system import System
from tests.integration._postcards import postcards
from tests.integration._push import WAIT, until
from tests.integration.support import Tenant


class Crash(BaseException):
    """The process dies: nothing below the sink catches it."""


def _runner(system: System, sink: Sink) -> SinkRunner:
    assert system.worker_db and system.relay_db
    return SinkRunner(system.worker_db, system.relay_db, system.nc, sink, retry=(0.01, 0.05))


async def _caught_up(runner: SinkRunner, events: int) -> None:
    """Catch up until `events` events went through the sink: events just committed are
    readable only once no older transaction is in flight, so one pass may not see them."""
    delivered = 0
    async with asyncio.timeout(WAIT):
        while delivered < events:
            delivered += await runner.catch_up(asyncio.Event())
            await asyncio.sleep(0.01)


async def _fresh(system: System, sink: Sink) -> SinkRunner:
    """A runner of `sink` whose checkpoint is past the other tests' events (none mailed)."""
    runner = _runner(system, sink)
    await runner.catch_up(asyncio.Event())
    return runner


def _mailer(module: Module, send: Send) -> Mailer:
    assert module.messages is not None
    renderer = MailRenderer(Catalogs.load([module.messages]), "Ossature <no-reply@example.test>")
    return Mailer([module], {}, renderer, send)


def _embedded(system: System) -> tuple[Send, Path]:
    assert system.endpoints.smtp_url and system.endpoints.maildir
    return SmtpTransport.from_url(system.endpoints.smtp_url).send, system.endpoints.maildir


def _kept(maildir: Path, domain: str) -> list[EmailMessage]:
    """The messages of the embedded server's Maildir sent to `domain`, by recipient."""
    box = mailbox.Maildir(maildir, factory=None, create=False)
    found = [
        email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        for key in box.iterkeys()
    ]
    mine = [m for m in found if isinstance(m, EmailMessage) and str(m["To"]).endswith(domain)]
    return sorted(mine, key=lambda m: str(m["To"]))


async def _created(tenant: Tenant, *names: str) -> list[str]:
    made = [
        await tenant.command(
            "admin", "create-project", {"folderId": tenant.folders["Global"], "name": name}
        )
        for name in names
    ]
    return [m["projectId"] for m in made]


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


async def test_each_event_sends_one_mail_in_its_locale_with_both_parts_and_the_trace(
    tenant: Tenant, system: System
) -> None:
    """Two projects made: two mails, each in its recipient's locale, text and HTML, the
    HTML escaped, the causing invocation's trace ids in the headers; a `quiet` one: none."""
    send, maildir = _embedded(system)
    domain = f"{new_id().lower()}.test"
    mailer = _mailer(postcards(tenant.tenant_id, domain), send)
    runner = await _fresh(system, mail_sink(mailer, f"test-{new_id()}"))
    # when
    lyon, boston, _ = await _created(tenant, "Lyon <b> (fr)", "Boston", "quiet one")
    await _caught_up(runner, 3)
    # then
    mails = _kept(maildir, domain)
    assert sorted([f"{lyon.lower()}@{domain}", f"{boston.lower()}@{domain}"]) == [
        str(m["To"]) for m in mails
    ]
    by_to = {str(m["To"]).split("@")[0]: m for m in mails}
    french, english = by_to[lyon.lower()], by_to[boston.lower()]
    assert "Le projet Lyon <b> (fr) est prêt" == french["Subject"]
    assert "Project Boston is ready" == english["Subject"]
    text, html = _parts(french)
    assert "Bonjour ! Le projet Lyon <b> (fr) vient d'être créé." in text
    assert "Lyon &lt;b&gt; (fr)" in html and "<b>" not in html
    assert f'href="https://app.example.test/p/{lyon}"' in html
    assert ("fr", "en") == (french["Content-Language"], english["Content-Language"])
    for project, message in ((lyon, french), (boston, english)):
        envelope = await _stored(system, project)
        trace = envelope.context.trace
        assert f"<{envelope.event_id}.postcard@ossature>" == message["Message-ID"]
        assert trace.traceparent == message["traceparent"]
        assert trace.invocation_id == message["X-Ossature-Invocation-Id"]
        assert trace.originating_trace_id == message["X-Ossature-Trace-Id"]


async def _stored(system: System, project_id: str) -> Envelope:
    """The project-created event of `project_id`, as the store reads it."""
    assert system.relay_db is not None
    runner = _runner(system, Sink("unused", frozenset(), _nothing))
    async with system.relay_db.connection() as conn:
        page = await runner.store.read_types(conn, (0, 0), ["project-created"], 100_000)
    (found,) = [e for e in page.envelopes if e.stream_id == project_id]
    return found


async def _nothing(envelope: Envelope) -> None:
    return None


async def test_a_sink_killed_between_the_send_and_its_checkpoint_sends_no_second_copy(
    tenant: Tenant, system: System
) -> None:
    """The process dies right after the second mail is sent, before its checkpoint moves;
    a new sink sends it again from the checkpoint, and the server keeps one copy."""
    send, maildir = _embedded(system)
    domain = f"{new_id().lower()}.test"
    sent: list[str] = []

    async def counted(message: EmailMessage) -> None:
        await send(message)
        sent.append(str(message["Message-ID"]))

    async def die_after_the_second(envelope: Envelope) -> None:
        if len(sent) == 2 and len(set(sent)) == 2:
            raise Crash

    mailer = _mailer(postcards(tenant.tenant_id, domain), counted)
    name = f"test-{new_id()}"
    dying = await _fresh(
        system, replace(mail_sink(mailer, name), after_effect=die_after_the_second)
    )
    projects = await _created(tenant, "A", "B", "C")
    # when
    with pytest.raises(Crash):
        await _caught_up(dying, 3)
    await _caught_up(_runner(system, mail_sink(mailer, name)), 2)
    # then
    assert 4 == len(sent) and 3 == len(set(sent)), "the second mail was sent twice"
    assert sorted(f"{p.lower()}@{domain}" for p in projects) == [
        str(m["To"]) for m in _kept(maildir, domain)
    ]


class Refusing:
    """A real SMTP server that refuses some recipients for good (550) and, `busy` times,
    answers the others' DATA with 451 (try later) before accepting them."""

    def __init__(self, busy: int = 0) -> None:
        self.busy = busy
        self.accepted: list[EmailMessage] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy > 0:
            self.busy -= 1
            return "451 4.3.0 busy, try later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.accepted.append(parsed)
        return "250 OK"


@contextmanager
def refusing(busy: int = 0) -> Iterator[tuple[Refusing, Send]]:
    handler = Refusing(busy)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, SmtpTransport.from_url(f"smtp://127.0.0.1:{port}").send
    finally:
        controller.stop()


async def test_a_recipient_refused_for_good_is_recorded_once_and_skipped(
    tenant: Tenant, system: System
) -> None:
    """A 550 for the first mail: recorded in mail_failures and counted; the next mail goes."""
    domain = f"{new_id().lower()}.test"
    failures = _sample("ossature_mail_failures_total", template="postcard", kind="permanent")
    with refusing() as (server, send):
        mailer = _mailer(postcards(tenant.tenant_id, domain, refused="Nowhere"), send)
        runner = await _fresh(system, mail_sink(mailer, f"test-{new_id()}"))
        nowhere, somewhere = await _created(tenant, "Nowhere", "Somewhere")
        await _caught_up(runner, 2)
    assert [f"{somewhere.lower()}@{domain}"] == [str(m["To"]) for m in server.accepted]
    rows = await _failures(system, tenant)
    assert [(f"refused-{nowhere.lower()}@{domain}", "postcard")] == [
        (r["recipient"], r["template"]) for r in rows
    ]
    assert "550" in rows[0]["reason"]
    assert failures + 1 == _sample(
        "ossature_mail_failures_total", template="postcard", kind="permanent"
    )


async def test_a_busy_server_is_tried_again_until_it_accepts(
    tenant: Tenant, system: System
) -> None:
    """451 twice, then accepted: one mail, nothing recorded as failed."""
    domain = f"{new_id().lower()}.test"
    with refusing(busy=2) as (server, send):
        mailer = _mailer(postcards(tenant.tenant_id, domain), send)
        runner = await _fresh(system, mail_sink(mailer, f"test-{new_id()}"))
        (project,) = await _created(tenant, "Patience")
        await _caught_up(runner, 1)
    assert [f"{project.lower()}@{domain}"] == [str(m["To"]) for m in server.accepted]
    assert 0 == server.busy
    assert [] == await _failures(system, tenant)


async def test_the_running_sink_mails_what_arrives_on_its_consumer(
    tenant: Tenant, system: System
) -> None:
    """Run as a worker runs it: the event stream's bell wakes it, and the mail arrives."""
    send, maildir = _embedded(system)
    domain = f"{new_id().lower()}.test"
    runner = _runner(
        system, mail_sink(_mailer(postcards(tenant.tenant_id, domain), send), f"test-{new_id()}")
    )
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        await asyncio.sleep(0)
        (project,) = await _created(tenant, "Rung")
        await until(lambda: len(_kept(maildir, domain)) == 1)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await system.nc.jetstream().delete_consumer(EVENT_STREAM, runner.checkpoint)
    assert [f"{project.lower()}@{domain}"] == [str(m["To"]) for m in _kept(maildir, domain)]


async def _failures(system: System, tenant: Tenant) -> list[Any]:
    assert system.worker_db is not None
    async with system.worker_db.transaction(tenant.tenant_id) as conn:
        return list(await conn.fetch("select * from mail_failures order by failed_at"))


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_an_invitation_is_mailed_once_by_the_systems_own_sink(
    tenant: Tenant, system: System
) -> None:
    """identity's invitation, through the worker's mail sink and the embedded server: one
    mail, in French, whose link names the invitation's token and whose headers its cause."""
    _, maildir = _embedded(system)
    domain = f"{new_id().lower()}.test"
    body = {
        "email": f"ada@{domain}",
        "displayName": "Ada",
        "role": "project-editor",
        "folderId": tenant.folders["EU"],
        "locale": "fr",
    }
    made = await tenant.command("admin", "invite-account", body)
    await until(lambda: len(_kept(maildir, domain)) == 1)
    (mail,) = _kept(maildir, domain)
    text, html = _parts(mail)
    envelope = await _stored_of(system, "account-invited", made["invitationId"])
    assert ("fr", f"<{envelope.event_id}.invitation@ossature>") == (
        mail["Content-Language"],
        mail["Message-ID"],
    )
    assert envelope.context.trace.invocation_id == mail["X-Ossature-Invocation-Id"]
    assert "/accept-invitation?token=" in text and "/accept-invitation?token=" in html


async def _stored_of(system: System, event_type: str, stream_id: str) -> Envelope:
    assert system.relay_db is not None
    runner = _runner(system, Sink("unused", frozenset(), _nothing))
    async with system.relay_db.connection() as conn:
        page = await runner.store.read_types(conn, (0, 0), [event_type], 100_000)
    (found,) = [e for e in page.envelopes if e.stream_id == stream_id]
    return found
