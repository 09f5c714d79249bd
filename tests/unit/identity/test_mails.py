"""identity's mails: each goes to the event's address, in its locale, with a link whose
token checks as that event's token; the templates use only what the renderer gives them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jinja2
import pytest

from ossature.kernel.ids import new_id
from ossature.kernel.mail import template_files
from ossature.kernel.messages import Envelope
from ossature.modules.identity import MODULE
from ossature.modules.identity._one_time import OneTimeTokens, Purpose
from tests.unit.support import user_context

TOKENS = OneTimeTokens(bytes(range(32)), "https://app.example")
OPENINGS: dict[Purpose, str] = {
    "invitation": "account-invited",
    "email-verification": "email-verification-requested",
    "password-reset": "password-reset-requested",
}


def _envelope(purpose: Purpose, tenant_id: str, token_id: str) -> Envelope:
    payload = {
        "tokenId": token_id,
        "accountId": "a1",
        "email": "ada@example.com",
        "displayName": "Ada",
        "locale": "fr",
    }
    return Envelope(
        event_id=new_id(),
        event_type=OPENINGS[purpose],
        schema_version=1,
        stream_type=purpose,
        stream_id=token_id,
        stream_version=1,
        tenant_id=tenant_id,
        occurred_at=datetime(2026, 5, 1, tzinfo=UTC),
        payload=payload,
        context=user_context("tenant-admin", "f1"),
    )


@pytest.mark.parametrize("purpose", list(OPENINGS))
def test_a_mail_carries_a_link_whose_token_is_the_events(purpose: Purpose) -> None:
    tenant_id, token_id = new_id(), new_id()
    mail = next(m for m in MODULE.mails if m.template == purpose)

    outgoing = mail.compose(_envelope(purpose, tenant_id, token_id), {OneTimeTokens: TOKENS})

    assert outgoing is not None
    token = parse_qs(urlsplit(outgoing.params["link"]).query)["token"][0]
    parts = TOKENS.check(purpose, token, tenant_id)
    assert ("ada@example.com", "fr", token_id) == (outgoing.to, outgoing.locale, parts.token_id)
    assert OPENINGS[purpose] == mail.event_type


@pytest.mark.parametrize("purpose", list(OPENINGS))
@pytest.mark.parametrize("kind", [0, 1])
def test_a_template_renders_with_the_parameters_locale_and_texts(
    purpose: Purpose, kind: int
) -> None:
    """What the mail renderer hands a template (parameters, `locale`, `dir`, `t`) is enough."""
    assert MODULE.root is not None
    file = template_files(MODULE.root, purpose)[kind]
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    page = environment.from_string(file.read_text("utf-8"))
    params: dict[str, Any] = {"displayName": "Ada", "email": "a@b.c", "link": "https://x/?token=T"}

    text = page.render(
        {**params, "locale": "fr", "dir": "ltr", "t": lambda key, **more: f"[{key}]"}
    )

    assert "https://x/?token=T" in text and f"[mail.{purpose}.body]" in text
