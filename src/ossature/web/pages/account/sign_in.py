"""Signing in, with the second step when the account has TOTP on, and the language chooser.

`/sign-in` runs log-in; with MFA on its answer is an MFA token, carried by the second step's
form to `/sign-in/code` (complete-log-in with a code or a recovery code). The session's
answer goes into the session cookie. `/language` sets this browser's language (a cookie)
and, signed in, the account's (set-my-locale), then renews the session's token so that it
carries the new locale (decision 58).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import OssatureError
from ossature.web._i18n import LOCALES
from ossature.web._page import LOCALE_COOKIE, View, opened, page, safe_next
from ossature.web.pages.account._forms import next_of, text, value

__all__ = ["A_YEAR", "ROUTES", "set_locale"]

_START_AGAIN = frozenset({"identity.mfa-token-invalid", "identity.mfa-token-used"})
_DONE = {
    "reset": "account.reset-done",
    "invitation": "account.invitation-done",
    "forgotten": "account.forget-done",
}
A_YEAR = 365 * 24 * 3600


async def sign_in_form(view: View) -> Response:
    if view.signed_in:
        return view.redirect(next_of(view))
    done = _DONE.get(view.request.query_params.get("done", ""))
    notice = view.t(done) if done else None
    return _sign_in_page(view, next_of(view), {}, None, 200, notice)


def _sign_in_page(
    view: View,
    next_page: str,
    values: dict[str, str],
    error: OssatureError | None,
    status: int,
    notice: Any = None,
) -> Response:
    return view.render(
        "pages/account/sign_in.html",
        status,
        next=next_page,
        values=values,
        error=error,
        notice=notice,
    )


async def sign_in(view: View) -> Response:
    """log-in; with MFA on, the second step's form (the MFA token travels in it)."""
    form = await view.form()
    next_page = safe_next(text(form, "next"))
    values = {"tenant": text(form, "tenant"), "email": text(form, "email")}
    payload = {**values, "password": value(form, "password")}
    try:
        answer = await view.client.command("log-in", payload)
    except OssatureError as error:
        return _sign_in_page(view, next_page, values, error, error.status)
    if answer.get("mfaRequired"):
        return _code_page(view, next_page, str(answer["mfaToken"]), None, 200)
    view.begin(opened(answer))
    return view.redirect(next_page)


def _code_page(
    view: View, next_page: str, mfa_token: str, error: OssatureError | None, status: int
) -> Response:
    return view.render(
        "pages/account/sign_in_code.html",
        status,
        next=next_page,
        mfa_token=mfa_token,
        error=error,
    )


async def sign_in_code(view: View) -> Response:
    """complete-log-in with a TOTP code or a recovery code (whichever was given)."""
    form = await view.form()
    next_page = safe_next(text(form, "next"))
    mfa_token, code, recovery = (
        text(form, "mfaToken"),
        text(form, "code"),
        text(form, "recoveryCode"),
    )
    payload: dict[str, str] = {"mfaToken": mfa_token}
    if code:
        payload["code"] = code.replace(" ", "")
    if recovery:
        payload["recoveryCode"] = recovery
    try:
        answer = await view.client.command("complete-log-in", payload)
    except OssatureError as error:
        if error.message_key in _START_AGAIN:  # the MFA token is spent: the password again
            return _sign_in_page(view, next_page, {}, error, error.status)
        return _code_page(view, next_page, mfa_token, error, error.status)
    view.begin(opened(answer))
    return view.redirect(next_page)


async def choose_language(view: View) -> Response:
    """The language of this browser (a cookie) and, signed in, of the account (set-my-locale,
    then a renewed token that carries it)."""
    form = await view.form()
    chosen = text(form, "locale")
    if view.signed_in and chosen in LOCALES:
        await set_locale(view, chosen)
    response = view.redirect(safe_next(text(form, "next")))
    if chosen in LOCALES:
        response.set_cookie(LOCALE_COOKIE, chosen, max_age=A_YEAR, samesite="lax", path="/")
    return response


async def set_locale(view: View, locale: str) -> None:
    await view.client.command("set-my-locale", {"locale": locale})
    await renew(view)


async def renew(view: View) -> None:
    """A new access token for this session (its locale, its grants), kept in the cookie."""
    session = view.session
    if session is None or session.refresh_token is None:
        return
    body = {"refreshToken": session.refresh_token}
    answer = await view.client.command("refresh-session", body, retries=3)
    view.begin(opened(answer, session.csrf, session.refresh_token))


ROUTES = [
    Route("/sign-in", page(sign_in_form, signed_in=False), methods=["GET"]),
    Route("/sign-in", page(sign_in, signed_in=False), methods=["POST"]),
    Route("/sign-in/code", page(sign_in_code, signed_in=False), methods=["POST"]),
    Route("/language", page(choose_language, signed_in=False), methods=["POST"]),
]
