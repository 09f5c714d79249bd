"""The web app's browser session against a real system: its access token renewed with the
session's refresh token before it runs out, and a session the server ended signs the browser
out, whatever its cookie says (docs/decisions/0056-the-browser-session.md)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest
from starlette.requests import Request
from starlette.responses import Response

from ossature.cli._site import site_of
from ossature.runtime.system import System
from ossature.web import WebSettings
from ossature.web._session import SESSION_COOKIE, BrowserSession, SessionCookie
from tests.integration._push import PASSWORD, PushTenant, push_tenant


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


@pytest.fixture
async def browser(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of the site `ossature up` serves, in this process (its cookies kept)."""
    transport = httpx.ASGITransport(app=site_of(system), client=("203.0.113.7", 50000))
    headers = {"Accept": "text/html"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://site.test", headers=headers
    ) as client:
        yield client


def _jar(system: System) -> SessionCookie:
    settings = WebSettings.load(system.settings.var_dir / "secrets")
    return SessionCookie(settings.session_key, settings.session_hours, secure=False)


def _session(system: System, browser: httpx.AsyncClient) -> BrowserSession:
    scope = {
        "type": "http",
        "headers": [(b"cookie", f"{SESSION_COOKIE}={browser.cookies[SESSION_COOKIE]}".encode())],
    }
    session = _jar(system).read(Request(scope))
    assert session is not None
    return session


def _running_out(system: System, browser: httpx.AsyncClient) -> None:
    """The browser's session as it is, its access token 5 s from its end."""
    session = msgspec.structs.replace(_session(system, browser), expires_at=int(time.time()) + 5)
    response = Response()
    _jar(system).write(response, session)
    value = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    browser.cookies.delete(SESSION_COOKIE)
    browser.cookies.set(SESSION_COOKIE, value, domain="site.test")


async def _sign_in(browser: httpx.AsyncClient, acme: PushTenant) -> None:
    form = (await browser.get("/sign-in")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    fields = {"csrf": csrf.group(1), "tenant": acme.slug, "email": f"admin@{acme.slug}.test"}
    answer = await browser.post("/sign-in", data={**fields, "password": PASSWORD})
    assert 303 == answer.status_code and SESSION_COOKIE in browser.cookies


async def test_an_access_token_running_out_is_renewed_before_the_page_asks(
    system: System, browser: httpx.AsyncClient, acme: PushTenant
) -> None:
    await _sign_in(browser, acme)
    before = _session(system, browser)
    _running_out(system, browser)
    page = await browser.get("/folders")
    after = _session(system, browser)
    assert 200 == page.status_code
    assert before.access_token != after.access_token
    assert after.expires_at > time.time() + 600
    assert (before.refresh_token, before.csrf) == (after.refresh_token, after.csrf)


async def test_a_session_the_server_ended_signs_the_browser_out(
    system: System, browser: httpx.AsyncClient, acme: PushTenant
) -> None:
    await _sign_in(browser, acme)
    token = _session(system, browser).access_token
    logged_out = await browser.post(
        "/commands/log-out", json={}, headers={"Authorization": f"Bearer {token}"}
    )
    assert 200 == logged_out.status_code
    page = await browser.get("/folders")  # the cookie still names the ended session
    assert (303, "/sign-in?next=/folders") == (page.status_code, page.headers["location"])
    assert SESSION_COOKIE not in browser.cookies


async def test_a_session_the_server_ended_is_not_renewed(
    system: System, browser: httpx.AsyncClient, acme: PushTenant
) -> None:
    await _sign_in(browser, acme)
    token = _session(system, browser).access_token
    await browser.post("/commands/log-out", json={}, headers={"Authorization": f"Bearer {token}"})
    _running_out(system, browser)
    page = await browser.get("/folders")
    assert (303, "/sign-in?next=/folders") == (page.status_code, page.headers["location"])


async def test_only_a_drawn_page_gives_a_browser_its_pre_session_secret(
    browser: httpx.AsyncClient,
) -> None:
    """A page left open may ask for its push token after the browser's cookies are gone: the
    401 must not replace the secret the sign-in form, drawn meanwhile, carries."""
    form = await browser.get("/sign-in")
    drawn = browser.cookies["ossature_csrf"]
    assert f'value="{drawn}"' in form.text
    browser.cookies.delete("ossature_csrf")
    refused = await browser.get("/session/push-token")
    assert 401 == refused.status_code and "ossature_csrf" not in refused.headers.get(
        "set-cookie", ""
    )
