"""Invitation, reset and change of password over HTTP, the links read from the mails the
embedded SMTP server kept in var/mail (a Maildir)."""

from __future__ import annotations

import mailbox
import re
from email.message import Message
from urllib.parse import unquote

import httpx

from tests.blackbox._api import (
    System,
    Tenant,
    TokenFor,
    call,
    claims_of,
    eventually,
    log_in,
    new_ulid,
)

# pragma: allowlist nextline secret: a throwaway test password
PASSWORD = "invited-member-password"
# pragma: allowlist nextline secret: a throwaway test password
NEW_PASSWORD = "reset-member-password"
LINK = re.compile(r"https?://\S+?[?&]token=([A-Za-z0-9%._-]+)")


def _text_of(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "".join(
        str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
        for part in parts
        if part.get_content_type() == "text/plain"
    )


def _tokens_to(system: System, address: str, path: str) -> list[str]:
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


async def _mailed_token(system: System, address: str, path: str, seen: int = 0) -> str:
    async def probe() -> list[str]:
        return _tokens_to(system, address, path)

    tokens = await eventually(probe, lambda found: len(found) > seen, within=30)
    assert len(tokens) > seen, f"no mail with a {path} link reached {address}"
    return tokens[-1]


async def _invited_member(http: httpx.AsyncClient, system: System, acme: Tenant, admin: str) -> str:
    """A new acme account invited as project-viewer at Global, accepted with PASSWORD."""
    email = f"invited-{new_ulid()[-10:].lower()}@acme.test"
    body = {
        "email": email,
        "displayName": "Invited",
        "role": "project-viewer",
        "folderId": acme.folders["Global"],
        "locale": "fr",
    }
    invited = await call(http, "commands/invite-account", body, admin)
    assert 200 == invited.status_code, invited.text
    token = await _mailed_token(system, email, "/accept-invitation")
    accepted = await call(
        http, "commands/accept-invitation", {"token": token, "password": PASSWORD}
    )
    assert 200 == accepted.status_code, accepted.text
    return email


async def test_an_invited_user_accepts_the_mailed_link_and_logs_in_with_the_role(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    email = await _invited_member(http, system, acme, await token_for("admin@acme"))

    token = await log_in(http, email, PASSWORD)

    assert {"role": "project-viewer", "folderId": acme.folders["Global"]} in [
        {"role": r["role"], "folderId": r["folderId"]} for r in claims_of(token)["roles"]
    ]
    again = await call(
        http,
        "commands/accept-invitation",
        {"token": await _mailed_token(system, email, "/accept-invitation"), "password": PASSWORD},
    )
    assert (410, "identity.token-used") == (again.status_code, again.json()["messageKey"])


async def test_a_mailed_reset_sets_the_password_and_ends_the_old_session(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    email = await _invited_member(http, system, acme, await token_for("admin@acme"))
    old_session = await log_in(http, email, PASSWORD)
    asked = await call(http, "commands/request-password-reset", {"tenant": "acme", "email": email})
    nobody = await call(
        http, "commands/request-password-reset", {"tenant": "acme", "email": f"x{email}"}
    )
    assert (200, asked.json()) == (nobody.status_code, nobody.json())
    token = await _mailed_token(system, email, "/reset-password")

    reset = await call(http, "commands/reset-password", {"token": token, "password": NEW_PASSWORD})

    old = await call(http, "queries/list-folders", {}, old_session)
    assert (200, 401) == (reset.status_code, old.status_code)
    assert (
        200
        == (
            await call(
                http,
                "commands/log-in",
                {"tenant": "acme", "email": email, "password": NEW_PASSWORD},
            )
        ).status_code
    )
    assert (
        401
        == (
            await call(
                http, "commands/log-in", {"tenant": "acme", "email": email, "password": PASSWORD}
            )
        ).status_code
    )


async def test_a_changed_password_replaces_the_old_one(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    email = await _invited_member(http, system, acme, await token_for("admin@acme"))
    session = await log_in(http, email, PASSWORD)

    changed = await call(
        http,
        "commands/change-password",
        {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        session,
    )

    old = await call(
        http, "commands/log-in", {"tenant": "acme", "email": email, "password": PASSWORD}
    )
    new = await call(
        http, "commands/log-in", {"tenant": "acme", "email": email, "password": NEW_PASSWORD}
    )
    assert (200, 401, 200) == (changed.status_code, old.status_code, new.status_code)
