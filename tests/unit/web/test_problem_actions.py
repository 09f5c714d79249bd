"""The problem page's actions: "Try again" with the same key, "Report this problem" for a 5xx."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from ossature.sdk import Client, OssatureError
from ossature.web._i18n import Catalog
from ossature.web._page import Site, View
from ossature.web._session import BrowserSession, SessionCookie
from ossature.web.app import templates
from ossature.web.pages import NAV

CSRF = "the-csrf-secret"


def posted(fields: dict[str, str]) -> Request:
    """A POST of a form to /things, as a browser sends it."""
    body = urlencode({"csrf": CSRF, **fields}).encode()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/things",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
        "query_string": b"",
    }
    return Request(scope, receive)


async def answered(error: OssatureError, fields: dict[str, str]) -> str:
    """The problem page a signed-in user gets when a form posted to /things fails so."""
    site = Site(
        backend_for=lambda request: "http://unused.test",  # type: ignore[arg-type,return-value]
        cookie=SessionCookie(b"k" * 32, 12, False),
        catalog=Catalog.load(),
        templates=templates(),
        nav=NAV,
    )
    session = BrowserSession(access_token="t", expires_at=0, csrf=CSRF, seen_at=0)

    view = View(site, posted(fields), Client("http://unused.test"), session, {}, "en")
    await view.form()
    return bytes(view.problem(error).body).decode()


def forms(page: str) -> dict[str, dict[str, str]]:
    """Each form of the problem panel: its action and its hidden fields."""
    panel = page[page.index('class="problem"') :]
    found = {}
    for action, inner in re.findall(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', panel, re.S):
        hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', inner)
        found[action] = {k: v for k, v in hidden if k != "csrf"}
    return found


async def test_a_retryable_failure_resends_the_form_with_its_own_key() -> None:
    """A 503 of a form that carried a key: Try again posts the same fields and that key."""
    error = OssatureError(503, "errors.unavailable", retryable=True, invocation_id="INV503")
    page = await answered(error, {"name": "Atlas", "idempotencyKey": "01JKEY0000000000000000000A"})
    assert {"name": "Atlas", "idempotencyKey": "01JKEY0000000000000000000A"} == forms(page)[
        "/things"
    ]
    assert {"invocationId": "INV503"} == forms(page)["/reports"]


async def test_a_form_without_a_key_is_resent_with_the_one_made_for_it() -> None:
    """The key made for the first post is the one Try again carries."""
    error = OssatureError(409, "errors.concurrency-conflict", retryable=True, invocation_id="I")
    retried = forms(await answered(error, {"name": "Atlas"}))
    assert (["/things"], 26) == (list(retried), len(retried["/things"]["idempotencyKey"]))


async def test_a_refusal_offers_neither() -> None:
    """A 403 is said, not retried nor reported."""
    error = OssatureError(403, "errors.denied", invocation_id="I403")
    assert {} == forms(await answered(error, {"name": "Atlas"}))


async def test_a_form_holding_a_password_is_not_written_back_into_the_page() -> None:
    """No Try again for it (the user types the secret again); the report stays."""
    error = OssatureError(503, "errors.unavailable", retryable=True, invocation_id="I503")
    # pragma: allowlist nextline secret: a throwaway value the test looks for
    page = await answered(error, {"email": "a@b.test", "password": "hunter2-hunter2"})
    assert (["/reports"], False) == (list(forms(page)), "hunter2" in page)
