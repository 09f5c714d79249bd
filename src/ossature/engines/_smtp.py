"""The embedded SMTP server: aiosmtpd on 127.0.0.1, every message kept as a Maildir file.

It runs in a thread of the process that starts it (`ossature up`, the test suite), on an
event loop of its own, so it dies with that process. Each message received is written to
`<folder>/tmp/` and linked into `<folder>/new/` (Maildir's atomic delivery) under a name
derived from its Message-ID: a message sent again with the same Message-ID (a mail sink
that crashed between the send and its checkpoint) finds its name taken and is dropped,
answered 250 all the same (decision 46).
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import hashlib
import os
import socket
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from ossature.engines._process import EngineError

__all__ = ["HOST", "MailSink", "SmtpServer", "maildir_name"]

HOST = "127.0.0.1"
_headers = email.parser.BytesHeaderParser(policy=email.policy.default)


def maildir_name(message_id: str) -> str:
    """The Maildir file name of the message with `message_id`: the same for every copy."""
    return hashlib.sha256(message_id.strip().encode()).hexdigest()[:32] + ".ossature"


class MailSink:
    """aiosmtpd's handler: writes each message into the Maildir at `folder`, once per id."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        for sub in ("tmp", "new", "cur"):
            (folder / sub).mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Keep the message (its content as received, the envelope's recipients prepended)."""
        content: bytes = envelope.original_content or envelope.content
        message_id = _headers.parsebytes(content).get("Message-ID") or os.urandom(16).hex()
        recipients = ", ".join(envelope.rcpt_tos)
        self.deliver(
            maildir_name(str(message_id)), f"Delivered-To: {recipients}\r\n".encode() + content
        )
        return "250 Message accepted for delivery"

    def deliver(self, name: str, content: bytes) -> bool:
        """Write `content` (its lines ended the Unix way, as Maildir readers expect) as
        `new/<name>`, atomically; False when a message of that name is there already (in
        `new/` or, once read, in `cur/`)."""
        if any((self.folder / "cur").glob(f"{name}:*")) or (self.folder / "cur" / name).exists():
            return False
        draft = self.folder / "tmp" / f"{name}.{os.getpid()}.{os.urandom(4).hex()}"
        with open(draft, "wb") as file:
            file.write(content.replace(b"\r\n", b"\n"))
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, self.folder / "new" / name)
            return True
        except FileExistsError:
            return False
        finally:
            draft.unlink()


class SmtpServer:
    """The embedded SMTP server on 127.0.0.1: the previous run's port when it is still free
    (a stable URL, as the other engines keep theirs), else a free one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._port_file = folder / ".port"  # Maildir readers look only in tmp, new and cur
        self._controller: Controller | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Where to send mail: smtp://127.0.0.1:<port>."""
        return f"smtp://{HOST}:{self.port}"

    def start(self) -> str:
        """Listen and answer; the server's URL. EngineError when it cannot."""
        handler = MailSink(self.folder)
        failure: Exception | None = None
        for attempt in range(_ATTEMPTS):  # a port chosen free may be taken before it is bound
            port = self._previous_port() if attempt == 0 else None
            self.port = port if port is not None and _is_free(port) else _free_port()
            controller = Controller(handler, hostname=HOST, port=self.port)
            try:
                controller.start()
            except Exception as error:
                failure = error
                continue
            self._controller = controller
            self._port_file.write_text(str(self.port))
            return self.url
        raise EngineError(f"the SMTP server could not start: {failure}")

    def _previous_port(self) -> int | None:
        try:
            return int(self._port_file.read_text())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Stop listening; safe to call twice."""
        controller, self._controller = self._controller, None
        if controller is not None:
            with contextlib.suppress(Exception):
                controller.stop()


_ATTEMPTS = 3


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
            return True
        except OSError:
            return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
