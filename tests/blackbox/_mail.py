"""Reading the links of the mails a running system's embedded SMTP server kept (var/mail)."""

from __future__ import annotations

import mailbox
import re
import time
from email.message import Message
from urllib.parse import unquote

from tests.blackbox._api import System, eventually

__all__ = ["mailed_token", "mailed_token_sync", "tokens_to"]

LINK = re.compile(r"https?://\S+?[?&]token=([A-Za-z0-9%._-]+)")


def _text_of(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else iter([message])
    return "".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in parts
        if part.get_content_type() == "text/plain"
    )


def tokens_to(system: System, address: str, path: str) -> list[str]:
    """The tokens of the links to `path` in the mails to `address` received so far."""
    folder = system.var_dir / "mail"
    if not (folder / "new").is_dir():
        return []
    found = []
    for message in mailbox.Maildir(folder, create=False):
        if address in str(message["To"]):
            text = _text_of(message)
            found += [unquote(m.group(1)) for m in LINK.finditer(text) if path in m.group(0)]
    return found


async def mailed_token(system: System, address: str, path: str, seen: int = 0) -> str:
    """The newest token of a link to `path` mailed to `address`, once more than `seen` such
    mails have arrived (waiting for them, with a generous deadline)."""

    async def probe() -> list[str]:
        return tokens_to(system, address, path)

    tokens = await eventually(probe, lambda found: len(found) > seen, within=30)
    assert len(tokens) > seen, f"no mail with a {path} link reached {address}"
    return tokens[-1]


def mailed_token_sync(system: System, address: str, path: str, within: float = 30.0) -> str:
    """`mailed_token` for a payload builder that cannot await: the mail comes from another
    process, so blocking this one's loop delays nothing it waits for."""
    deadline = time.monotonic() + within
    while not (tokens := tokens_to(system, address, path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tokens, f"no mail with a {path} link reached {address}"
    return tokens[-1]
