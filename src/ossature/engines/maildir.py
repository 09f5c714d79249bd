"""Reading what the embedded SMTP server kept: the messages of a Maildir, newest first.

A message's id is its file's name without the `.ossature` suffix (made from its Message-ID,
`_smtp.maildir_name`); any unambiguous prefix of it names it too.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

__all__ = ["Kept", "find_kept", "kept_mails"]

_SUFFIX = ".ossature"


@dataclass(frozen=True)
class Kept:
    """One message as kept: its id, when it was sent, and the message."""

    id: str
    date: datetime
    message: EmailMessage

    @property
    def text(self) -> str:
        """The plain-text part ("" when there is none)."""
        return _part(self.message, "plain")

    @property
    def html(self) -> str:
        """The HTML part ("" when there is none)."""
        return _part(self.message, "html")


def kept_mails(folder: Path) -> list[Kept]:
    """Every message of the Maildir at `folder` (in `new/` and `cur/`), newest first."""
    files = [f for sub in ("new", "cur") for f in sorted((folder / sub).glob("*")) if f.is_file()]
    kept = [_read(file) for file in files]
    return sorted(kept, key=lambda k: (k.date, k.id), reverse=True)


def find_kept(folder: Path, prefix: str) -> list[Kept]:
    """The messages whose id starts with `prefix` (one, when the prefix names one)."""
    return [k for k in kept_mails(folder) if prefix and k.id.startswith(prefix.lower())]


def _read(file: Path) -> Kept:
    parsed = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    name = file.name.split(":")[0].removesuffix(_SUFFIX)
    return Kept(name, _date(parsed, file), parsed)


def _date(message: EmailMessage, file: Path) -> datetime:
    try:
        found = email.utils.parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        found = None
    if found is None or found.tzinfo is None:
        return datetime.fromtimestamp(file.stat().st_mtime, UTC)
    return found


def _part(message: EmailMessage, kind: str) -> str:
    body = message.get_body((kind,))
    if body is None or not isinstance(body, EmailMessage):
        return ""
    return str(body.get_content())
