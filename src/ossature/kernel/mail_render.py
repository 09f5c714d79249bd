"""A declared mail made into a message: subject, text and HTML in the recipient's locale.

The templates are the module's `mails/<template>.txt.jinja` and `.html.jinja` (Jinja2,
autoescaped for HTML, an undefined variable an error). They see the mail's parameters,
`locale`, `t(key, **more)`: a text of the module's messages.toml in the recipient's
locale, its {placeholders} filled from the parameters and `more`, and `dir` (`rtl` for
Arabic, else `ltr`) for the HTML part's root element. The subject is the key
`mail.<template>.subject`. Headers tie the message to its event: a Message-ID made from the
event id (the same on every try, decision 46), the event's time as Date, and the causing
invocation's trace ids.
"""

from __future__ import annotations

import email.policy
import email.utils
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path

import jinja2

from ossature.kernel.i18n import FALLBACK_LOCALE, Catalogs, direction
from ossature.kernel.mail import Mail, OutgoingMail, subject_key
from ossature.kernel.messages import Envelope

__all__ = ["MailRenderer", "message_id"]


def message_id(envelope: Envelope, mail: Mail) -> str:
    """The Message-ID of the mail `mail` sends for `envelope`: the same on every try."""
    return f"<{envelope.event_id}.{mail.template}@ossature>"


class MailRenderer:
    """Makes messages from the templates of each module's folder and the catalogs."""

    def __init__(self, catalogs: Catalogs, sender: str) -> None:
        self.catalogs, self.sender = catalogs, sender
        self._environments: dict[Path, jinja2.Environment] = {}

    def render(self, root: Path, mail: Mail, envelope: Envelope, out: OutgoingMail) -> EmailMessage:
        """The message for `out`, from the templates of the module at `root`."""
        locale = out.locale if out.locale in self.catalogs.locales else FALLBACK_LOCALE
        params = dict(out.params)
        message = EmailMessage(policy=email.policy.SMTP)
        message["Subject"] = self.catalogs.render(locale, subject_key(mail.template), params)
        message["From"] = self.sender
        message["To"] = out.to
        message["Date"] = email.utils.format_datetime(envelope.occurred_at)
        message["Message-ID"] = message_id(envelope, mail)
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        for header, value in _trace_headers(envelope).items():
            message[header] = value
        text, html = (
            self._page(root, mail.template, kind, locale, params) for kind in ("txt", "html")
        )
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        message["Content-Language"] = locale  # after the content, which clears Content-*
        return message

    def _page(
        self, root: Path, template: str, kind: str, locale: str, params: dict[str, str]
    ) -> str:
        def t(key: str, **more: object) -> str:
            return self.catalogs.render(locale, key, {**params, **more})

        page = self._environment(root).get_template(f"{template}.{kind}.jinja")
        return page.render({**params, "locale": locale, "dir": direction(locale), "t": t})

    def _environment(self, root: Path) -> jinja2.Environment:
        if root not in self._environments:
            self._environments[root] = jinja2.Environment(
                loader=jinja2.FileSystemLoader(root / "mails"),
                autoescape=jinja2.select_autoescape(
                    enabled_extensions=("html.jinja",), default_for_string=False
                ),
                undefined=jinja2.StrictUndefined,
                keep_trailing_newline=True,
            )
        return self._environments[root]


def _trace_headers(envelope: Envelope) -> Mapping[str, str]:
    trace = envelope.context.trace
    return {
        "traceparent": trace.traceparent,
        "X-Ossature-Invocation-Id": trace.invocation_id,
        "X-Ossature-Trace-Id": trace.originating_trace_id,
        "X-Ossature-Event-Id": envelope.event_id,
    }
