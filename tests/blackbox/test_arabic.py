"""Arabic end to end: the catalog, an account invited in ar (its mail right to left, its
token's locale), and the problems it is answered with."""

from __future__ import annotations

import mailbox
from email.header import decode_header, make_header
from email.message import Message

import httpx

from tests.blackbox._api import System, Tenant, TokenFor, call, claims_of, log_in, new_ulid
from tests.blackbox._mail import mailed_token

# pragma: allowlist nextline secret: a throwaway test password
PASSWORD = "arabic-member-password"


def _mail_to(system: System, address: str) -> Message:
    """The one mail the embedded SMTP server kept for `address`."""
    found = [
        m for m in mailbox.Maildir(system.var_dir / "mail", create=False) if address in m["To"]
    ]
    assert 1 == len(found), f"{len(found)} mails to {address}"
    return found[0]


def _part(message: Message, kind: str) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == f"text/{kind}")
    return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))


async def test_the_arabic_catalog_has_every_key_in_arabic(http: httpx.AsyncClient) -> None:
    """get-message-catalog {locale: ar} answers ar, with en's keys and its own texts."""
    english = (await call(http, "queries/get-message-catalog", {"locale": "en"})).json()
    arabic = (await call(http, "queries/get-message-catalog", {"locale": "ar"})).json()

    assert ("ar", set(english["messages"])) == (arabic["locale"], set(arabic["messages"]))
    assert "يرجى تسجيل الدخول." == arabic["messages"]["errors.unauthenticated"]
    same = {k for k, text in arabic["messages"].items() if text == english["messages"][k]}
    assert set() == same


async def test_an_account_invited_in_arabic_is_mailed_and_answered_in_arabic(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """The invitation's subject and text are Arabic and its HTML runs right to left; once
    accepted, the account's token says ar and a refusal's title is Arabic."""
    email = f"arabic-{new_ulid()[-10:].lower()}@acme.test"
    body = {
        "email": email,
        "displayName": "Layla",
        "role": "project-viewer",
        "folderId": acme.folders["US"],
        "locale": "ar",
    }
    invited = await call(http, "commands/invite-account", body, await token_for("admin@acme"))
    assert 200 == invited.status_code, invited.text
    token = await mailed_token(system, email, "/accept-invitation")
    mail = _mail_to(system, email)
    subject = str(make_header(decode_header(mail["Subject"])))
    assert ("دعوة للانضمام إلى Ossature", "ar") == (subject, mail["Content-Language"])
    assert "مرحبًا Layla،" == _part(mail, "plain").splitlines()[0]
    assert '<html lang="ar" dir="rtl">' in _part(mail, "html")

    accepted = await call(
        http, "commands/accept-invitation", {"token": token, "password": PASSWORD}
    )
    assert 200 == accepted.status_code, accepted.text
    session = await log_in(http, email, PASSWORD)
    refused = await call(
        http,
        "commands/create-project",
        {"folderId": acme.folders["EU"], "name": "Not here"},
        session,
        headers={"Accept-Language": "en"},
    )

    assert "ar" == claims_of(session)["locale"]
    assert (403, "ar") == (refused.status_code, refused.headers["Content-Language"])
    assert refused.json()["title"].startswith("لا يحق لك القيام بهذا (")


async def test_a_signed_out_caller_asking_for_arabic_is_answered_in_arabic(
    http: httpx.AsyncClient,
) -> None:
    """Accept-Language: ar picks the Arabic title when no account says otherwise."""
    refused = await call(http, "queries/list-folders", headers={"Accept-Language": "ar, en;q=0.5"})

    assert (401, "ar") == (refused.status_code, refused.headers["Content-Language"])
    assert "يرجى تسجيل الدخول." == refused.json()["title"]
