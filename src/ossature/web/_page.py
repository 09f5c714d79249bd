"""What a page handler works with: the `View` of one browser request.

A handler is `async def handler(view: View) -> Response`, made a route by `page(handler)`.
The view carries the browser's session (renewed when its access token runs low), an SDK
client acting as the signed-in user in the user's locale, the strings of that locale, and
answers: a rendered page, a redirect, a problem. An `OssatureError` a handler lets through is
shown as the problem panel, its message the one of its `messageKey` in the user's language.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ossature.sdk import (
    Backend,
    Client,
    Json,
    OssatureError,
    Unauthenticated,
    new_ulid,
    token_claims,
)
from ossature.web._abilities import Abilities, NavItem, load_abilities, nav_entries
from ossature.web._i18n import (
    Catalog,
    direction,
    fill,
    format_day,
    format_moment,
    format_money,
    format_number,
    locale_of,
)
from ossature.web._session import CSRF_COOKIE, BrowserSession, SessionCookie, new_secret

__all__ = ["BackendFor", "CsrfRefused", "Site", "View", "page"]

LOCALE_COOKIE = "ossature_locale"
_SECRET_FIELDS = ("password", "token", "code", "secret")
_ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")  # what the gateway takes as an Idempotency-Key
RENEW_MARGIN = 60  # seconds: an access token with less left is renewed before the request
BackendFor = Callable[[Request], Backend]  # where this browser's calls go


class CsrfRefused(Exception):
    """A form or htmx request without this browser's CSRF secret."""


@dataclass
class Site:
    """What every request of the web app shares."""

    backend_for: BackendFor
    cookie: SessionCookie
    catalog: Catalog
    templates: jinja2.Environment
    nav: list[NavItem]  # the header's links
    server_messages: dict[str, dict[str, str]] = field(default_factory=dict)
    discovery: Json | None = None

    @asynccontextmanager
    async def view(self, request: Request) -> AsyncIterator[View]:
        """The view of `request`, its client closed afterwards."""
        client = Client(self.backend_for(request), headers=_browser_headers(request))
        try:
            session = await self._current(request, client)
            claims = token_claims(session.access_token) if session else {}
            locale = locale_of(
                claims.get("locale"),
                request.cookies.get(LOCALE_COOKIE),
                request.headers.get("accept-language", ""),
            )
            client.token, client.locale = (session.access_token if session else None), locale
            await self._learn(client, locale)
            yield View(self, request, client, session, claims, locale)
        finally:
            await client.aclose()

    async def _current(self, request: Request, client: Client) -> BrowserSession | None:
        """The cookie's session, its access token renewed when it runs low; None when there is
        none or the server ended it."""
        session = self.cookie.read(request)
        if session is None or session.expires_at - time.time() > RENEW_MARGIN:
            return session
        if session.refresh_token is None:
            return None if session.expires_at <= time.time() else session
        try:  # two requests of one browser renewing at once: the second may meet a 409
            payload = {"refreshToken": session.refresh_token}
            answer = await client.command("refresh-session", payload, retries=3)
        except Unauthenticated:
            return None
        return opened(answer, session.csrf, session.refresh_token)

    async def _learn(self, client: Client, locale: str) -> None:
        """The server's messages in `locale` and its discovery document, asked once."""
        if locale not in self.server_messages:
            self.server_messages[locale] = await client.get_message_catalog(locale)
        if self.discovery is None:
            self.discovery = await client.configuration()


def opened(
    answer: Json, csrf: str | None = None, refresh_token: str | None = None
) -> BrowserSession:
    """The browser session of a log-in's (or a renewal's) answer."""
    return BrowserSession(
        access_token=answer["accessToken"],
        expires_at=int(answer["expiresAt"]),
        refresh_token=answer.get("refreshToken") or refresh_token,
        csrf=csrf or new_secret(),
        seen_at=int(time.time()),
    )


def _browser_headers(request: Request) -> dict[str, str]:
    """The browser's address and agent, passed on to the gateway as a proxy would."""
    headers = {"User-Agent": request.headers.get("user-agent", "")}
    address = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for")
    chain = ", ".join(filter(None, (forwarded, address)))
    if chain:
        headers["X-Forwarded-For"] = chain
    return headers


class View:
    """One browser request, as the page handlers see it."""

    def __init__(
        self,
        site: Site,
        request: Request,
        client: Client,
        session: BrowserSession | None,
        claims: Json,
        locale: str,
    ) -> None:
        self.site, self.request, self.client = site, request, client
        self.session, self.claims, self.locale = session, claims, locale
        self._pre_session_csrf = request.cookies.get(CSRF_COOKIE) or new_secret()
        self._ended = False
        self._rendered = False  # a page was drawn: its forms carry the pre-session secret
        self._posted: dict[str, str] = {}
        self._key: str | None = None
        self.abilities: Abilities | None = None  # asked by `know`, once

    @property
    def signed_in(self) -> bool:
        return self.session is not None

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session else self._pre_session_csrf

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    async def know(self) -> Abilities:
        """What the user's tenant has and what the user may do (decision 86), asked once."""
        if self.abilities is None:
            self.abilities = await load_abilities(self.client, self.claims)
        return self.abilities

    @property
    def here(self) -> str:
        """The page to come back to after a detour (accepting terms, say): this page, or
        for a posted form the page that holds it, when it is one of this site's."""
        if self.request.method == "GET":
            query = self.request.url.query
            return safe_next(self.request.url.path + (f"?{query}" if query else ""))
        referer = urlsplit(self.request.headers.get("referer", ""))
        if referer.netloc and referer.netloc != self.request.url.netloc:
            return "/"
        query = f"?{referer.query}" if referer.query else ""
        return safe_next(referer.path + query) if referer.path else "/"

    def t(self, key: str, **params: object) -> str:
        """The UI string `key` in the user's language."""
        return self.site.catalog.text(self.locale, key, params)

    def message(self, key: str, params: Mapping[str, object] | None = None) -> str:
        """The server's message `key` in the user's language (a problem's, a notice's)."""
        messages = self.site.server_messages.get(self.locale, {})
        return fill(messages[key], params or {}) if key in messages else key

    # Reading the request.

    async def form(self) -> FormData:
        """The posted form, once its CSRF secret is checked (CsrfRefused otherwise)."""
        form = await self.request.form()
        sent = form.get("csrf") or self.request.headers.get("x-csrf-token") or ""
        if not isinstance(sent, str) or not hmac.compare_digest(sent, self.csrf):
            raise CsrfRefused()
        self._posted = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        return form

    @property
    def posted(self) -> dict[str, str]:
        """The posted form's fields (read by `form`), to draw a refused form again."""
        return dict(self._posted)

    @property
    def idempotency_key(self) -> str:
        """The key of the posted form's command: the form's `idempotencyKey` when it has one
        (a "Try again" resends the key it was first sent with), else one made for this
        request. A handler passes it to its command (`idempotency_key=`)."""
        if self._key is None:
            sent = self._posted.get("idempotencyKey", "")
            self._key = sent if _ULID.fullmatch(sent) else new_ulid()
        return self._key

    # Answers.

    def render(
        self, template: str, status: int = 200, *, partial: str | None = None, **values: Any
    ) -> HTMLResponse:
        """The page `template`; only its block `partial` when htmx asked for a part."""
        compiled = self.site.templates.get_template(template)
        context = compiled.new_context({**self._globals(), **values})
        self._rendered = True
        if partial is not None and self.is_htmx:
            body = "".join(compiled.blocks[partial](context))
        else:
            body = "".join(compiled.root_render_func(context))
        return HTMLResponse(body, status, headers={"Cache-Control": "no-store"})

    def redirect(self, url: str) -> Response:
        """See `url` (303: the browser GETs it after a POST); htmx follows its header."""
        if self.is_htmx:
            return Response(status_code=204, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)

    def problem(self, error: OssatureError, retry: Mapping[str, Any] | None = None) -> Response:
        """The problem panel: what went wrong in the user's language, and what to do next:
        "Try again" for a retryable failure of a posted form (the same fields and the same
        idempotency key, unless `retry` says otherwise), "Report this problem" for an
        unexpected one (a 5xx naming its invocation: `report-problem`, decision 64)."""
        text = self.message(error.message_key, error.message_params)
        if text == error.message_key:
            text = error.title
        status = error.status if 400 <= error.status < 600 else 502
        return self.render(
            "pages/problem.html",
            status,
            partial="content",
            error=error,
            text=text,
            retry=retry if retry is not None else self.retry_of(error),
            report=self.report_of(error),
        )

    def retry_of(self, error: OssatureError) -> dict[str, Any] | None:
        """The posted form again, unless it held a secret (a password is never written
        into a page: such a form is filled in again)."""
        if not error.retryable or self.request.method != "POST" or not self._posted:
            return None
        if any(part in name.lower() for name in self._posted for part in _SECRET_FIELDS):
            return None
        fields = {**self._posted, "idempotencyKey": self.idempotency_key}
        return {"action": self.request.url.path, "fields": fields}

    def report_of(self, error: OssatureError) -> dict[str, Any] | None:
        if error.status < 500 or not error.invocation_id or not self.signed_in:
            return None
        return {"action": "/reports", "fields": {"invocationId": error.invocation_id}}

    def refusal(self, status: int, key: str) -> Response:
        """A refusal of the web app's own (not the server's), e.g. a missing CSRF secret."""
        return self.render(
            "pages/problem.html", status, partial="content", error=None, text=self.t(key)
        )

    # The session.

    def begin(self, session: BrowserSession) -> None:
        """Sign the browser in with `session` (written on the answer)."""
        self.session, self.claims = session, token_claims(session.access_token)
        self.client.token = session.access_token

    def end(self) -> None:
        """Sign the browser out (the cookie is cleared on the answer)."""
        self.session, self.claims, self._ended = None, {}, True

    def finish(self, response: Response) -> Response:
        """Write the session (sliding) or clear it, and the pre-session CSRF secret."""
        if self.session is not None:
            session = self.session
            self.site.cookie.write(response, _seen(session))
        else:
            if self._ended or self.request.cookies.get("ossature_session"):
                self.site.cookie.clear(response)
            # Only with a page whose forms carry it: an answer without forms (a redirect, the
            # push token's 401 to a page left open) must not replace the secret a form holds.
            if self._rendered and self.request.cookies.get(CSRF_COOKIE) != self._pre_session_csrf:
                self.site.cookie.csrf_cookie(response, self._pre_session_csrf)
        return response

    def _globals(self) -> dict[str, Any]:
        locale = self.locale
        return {
            "t": self.t,
            "message": self.message,
            "day": lambda value: format_day(value, locale),
            "moment": lambda value: format_moment(value, locale),
            "number": lambda value: format_number(value, locale),
            "money": lambda value: format_money(value, locale),
            "csrf": self.csrf,
            "retry_of": self.retry_of,  # a problem panel's actions, wherever a page shows one
            "report_of": self.report_of,
            "locale": locale,
            "dir": direction(locale),
            "account": self.claims or None,
            "nav": nav_entries(self.site.nav, self.abilities),
            "abilities": self.abilities or Abilities(),
            "here": self.here,
            "path": self.request.url.path,
            "locales": ("en", "fr", "ar"),
        }


def _seen(session: BrowserSession) -> BrowserSession:
    return BrowserSession(
        access_token=session.access_token,
        expires_at=session.expires_at,
        refresh_token=session.refresh_token,
        csrf=session.csrf,
        seen_at=int(time.time()),
    )


Handler = Callable[[View], Awaitable[Response]]


def page(
    handler: Handler, *, signed_in: bool = True, framed: bool = True
) -> Callable[[Request], Awaitable[Response]]:
    """The route of `handler`: a signed-out browser is sent to sign in first (unless the page
    is public), a refused CSRF secret answers 403, a server's problem the problem panel, and
    a session the server ended signs the browser out. A `framed` page draws the header, whose
    nav needs the user's abilities; live.js's own calls (a push token, a toast) are not framed
    and ask the server nothing more."""

    async def endpoint(request: Request) -> Response:
        site: Site = request.app.state.site
        async with site.view(request) as view:
            if signed_in and not view.signed_in:
                return view.finish(view.redirect(sign_in_url(request)))
            try:
                if framed and view.signed_in and not view.is_htmx:  # the nav needs them
                    await view.know()
                response = await handler(view)
            except CsrfRefused:
                response = view.refusal(403, "session.csrf-refused")
            except Unauthenticated as error:
                if not view.signed_in:  # a public page's refusal (a wrong password, say)
                    response = view.problem(error)
                else:  # the server ended this session: sign the browser out
                    view.end()
                    response = view.redirect(sign_in_url(request))
            except OssatureError as error:
                response = view.problem(error)
            return view.finish(response)

    return endpoint


async def _not_found(view: View) -> Response:
    return view.render("pages/problem.html", 404, error=None, text=view.t("problem.not-found"))


async def not_found(request: Request, error: Exception) -> Response:
    """An unknown path: for a signed-out visitor, the sign-in page (an address reveals
    nothing before signing in); for a signed-in user, a page saying so."""
    return await page(_not_found)(request)


async def failed(request: Request, error: Exception) -> Response:
    """A failure of the web app itself: a page that asks the server nothing, in the
    browser's language."""
    site: Site = request.app.state.site
    locale = locale_of(
        None, request.cookies.get(LOCALE_COOKIE), request.headers.get("accept-language", "")
    )
    body = site.templates.get_template("pages/failed.html").render(
        locale=locale,
        dir=direction(locale),
        title=site.catalog.text(locale, "problem.title"),
        text=site.catalog.text(locale, "problem.failed"),
    )
    return HTMLResponse(body, 500, headers={"Cache-Control": "no-store"})


def sign_in_url(request: Request) -> str:
    return f"/sign-in?next={quote(request.url.path, safe='/')}"


def safe_next(target: str | None) -> str:
    """A `next` parameter kept only when it is a path of this site (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return "/"
    return target
