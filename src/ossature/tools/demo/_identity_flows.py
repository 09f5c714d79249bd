"""The demo's steps for accounts' own flows: an invitation and a password reset taken from
the mails the embedded SMTP server kept, and a change of password."""

from __future__ import annotations

import asyncio
import mailbox
import re
import time
from email.message import Message
from pathlib import Path
from urllib.parse import unquote

from ossature.sdk import new_ulid
from ossature.tools.demo._support import TENANT, Demo, StepFailed, check, status_of

__all__ = ["change_password", "invited_by_mail", "reset_by_mail"]

MAIL_SECONDS = 30.0  # a mail leaves with the next pass of the sink: seconds, not minutes
_LINK = re.compile(r"https?://\S+?(/[a-z-]+)\?token=([A-Za-z0-9%._-]+)")


def _links_to(maildir: Path, address: str) -> list[tuple[str, str]]:
    """(path, token) of every link in the plain-text mails to `address`, oldest first."""
    if not (maildir / "new").is_dir():
        return []
    links = []
    for message in mailbox.Maildir(maildir, factory=None, create=False):
        if address in str(message["To"]):
            links += [(m.group(1), unquote(m.group(2))) for m in _LINK.finditer(_text(message))]
    return links


def _text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else iter([message])
    texts = [
        part.get_payload(decode=True) for part in parts if part.get_content_type() == "text/plain"
    ]
    return "".join(text.decode() for text in texts if isinstance(text, bytes))


async def _mailed_token(demo: Demo, address: str, path: str) -> tuple[str, float]:
    """The token of the newest link to `path` mailed to `address`, and how long it took."""
    if demo.maildir is None:
        raise StepFailed("no Maildir to read (mail goes to OSSATURE_SMTP_URL)")
    started = time.monotonic()
    while time.monotonic() - started < MAIL_SECONDS:
        tokens = [token for where, token in _links_to(demo.maildir, address) if where == path]
        if tokens:
            return tokens[-1], time.monotonic() - started
        await asyncio.sleep(0.2)
    raise StepFailed(f"no mail with a {path} link reached {address} in {MAIL_SECONDS:.0f} s")


async def invited_by_mail(demo: Demo) -> str:
    admin = await demo.user("admin")
    demo.folders = demo.folders or {f["name"]: f["folderId"] for f in await admin.list_folders()}
    email, password = (
        f"invited-{new_ulid()[-10:].lower()}@{TENANT}.test",
        f"{demo.password}-invited",
    )
    body = {
        "email": email,
        "displayName": "Invited",
        "role": "project-viewer",
        "folderId": demo.folder("Global"),
    }
    await admin.command("invite-account", body)
    token, waited = await _mailed_token(demo, email, "/accept-invitation")

    await demo.client.with_token(None).command(
        "accept-invitation", {"token": token, "password": password}
    )

    demo.invited = (email, password, await demo.client.as_user(TENANT, email, password))
    return f"mailed in {waited:.1f} s, accepted, {email} logs in"


async def reset_by_mail(demo: Demo) -> str:
    check(demo.invited is not None, "the invitation step did not make an account")
    assert demo.invited is not None
    email, old, session = demo.invited
    anonymous, new = demo.client.with_token(None), f"{demo.password}-reset"
    await anonymous.command("request-password-reset", {"tenant": TENANT, "email": email})
    token, waited = await _mailed_token(demo, email, "/reset-password")

    await anonymous.command("reset-password", {"token": token, "password": new})

    statuses = (
        await status_of(session.list_folders()),
        await status_of(anonymous.log_in(TENANT, email, old)),
    )
    check(statuses == (401, 401), f"old session, old password: {statuses}, expected (401, 401)")
    await demo.client.as_user(TENANT, email, new)
    return f"mailed in {waited:.1f} s; the old session and password get 401, the new one logs in"


async def _new_member(demo: Demo, password: str) -> str:
    """A fresh account of acme, registered by its admin with `password`: its email."""
    admin, email = await demo.user("admin"), f"member-{new_ulid()[-10:].lower()}@{TENANT}.test"
    body = {"email": email, "displayName": "Demo member", "password": password}
    await admin.command("register-account", body)
    return email


async def change_password(demo: Demo) -> str:
    old, new = f"{demo.password}-before", f"{demo.password}-after"
    email = await _new_member(demo, old)
    member = await demo.client.as_user(TENANT, email, old)

    await member.command("change-password", {"currentPassword": old, "newPassword": new})

    anonymous = demo.client.with_token(None)
    statuses = (
        await status_of(anonymous.log_in(TENANT, email, old)),
        await status_of(member.list_folders()),
    )
    check(statuses == (401, 200), f"old password, own session: {statuses}, expected (401, 200)")
    await demo.client.as_user(TENANT, email, new)
    return "the old password gets 401, the new one logs in, the caller's session stays"
