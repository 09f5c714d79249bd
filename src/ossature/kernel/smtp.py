"""Sending a message over SMTP, named by URL: `smtp://{user}:{password}@{host}:{port}`.

STARTTLS when the server offers it, AUTH when the URL carries credentials; `smtps://` for
TLS from the first byte. smtplib, one connection per message, in a thread. A refusal that
will never change (a 5xx answer about the message or its recipient) raises `Permanent`;
anything else (the server away, a 4xx, refused credentials: an operator fixes those) is
transient and raised as it is, for the sink to try again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from ossature.kernel.sink import Permanent

__all__ = ["SmtpTransport"]


@dataclass(frozen=True)
class SmtpTransport:
    """Where mail goes, read from its URL."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    timeout: float = 30.0
    tls: ssl.SSLContext | None = field(default=None, repr=False, compare=False)  # None: the
    # system's trusted authorities, the host name checked

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        """`smtp://{user}:{password}@{host}:{port}`, credentials optional; the port is 25 by
        default, 465 for `smtps://`."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"not an SMTP URL (smtp://host:port): {parts.scheme}://…")
        secure = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if secure else 25),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=secure,
        )

    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` to its To: recipients; Permanent on a 5xx refusal."""
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        client = self._connect()
        try:
            client.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            if all(code >= 500 for code in codes):
                raise Permanent(f"recipients refused: {refused.recipients}") from refused
            raise
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as refused:
            if refused.smtp_code >= 500:
                raise Permanent(f"{refused.smtp_code} {refused.smtp_error!r}") from refused
            raise
        finally:  # once the message is accepted, a failed goodbye must not send it again
            with contextlib.suppress(Exception):
                client.quit()
            client.close()

    def _tls(self) -> ssl.SSLContext:
        return self.tls or _system_trust()

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._tls()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            client.ehlo()
            if not self.implicit_tls and client.has_extn("starttls"):
                client.starttls(context=self._tls())
                client.ehlo()
            if self.user is not None:
                client.login(self.user, self.password or "")
        except BaseException:
            client.close()
            raise
        return client


@functools.cache
def _system_trust() -> ssl.SSLContext:
    """The system's trusted authorities, read once: reading them costs ~100 ms."""
    return ssl.create_default_context()
