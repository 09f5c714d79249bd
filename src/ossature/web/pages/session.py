"""Signing in and out, and the language of a browser not signed in.

`/sign-in` logs in with the public API (`log-in`) and keeps the answer in the session
cookie; `/sign-out` ends the session on the server (`log-out`) and clears the cookie.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import OssatureError
from ossature.web._i18n import LOCALES
from ossature.web._page import LOCALE_COOKIE, View, opened, page, safe_next

__all__ = ["ROUTES"]


async def home(view: View) -> Response:
    return view.redirect("/folders" if view.signed_in else "/sign-in")


async def sign_in_form(view: View) -> Response:
    if view.signed_in:
        return view.redirect(safe_next(view.request.query_params.get("next")))
    return view.render("pages/session/sign_in.html", next=_next(view), values={}, problem=None)


async def sign_in(view: View) -> Response:
    form = await view.form()
    values = {name: str(form.get(name) or "") for name in ("tenant", "email")}
    payload = {**values, "password": str(form.get("password") or "")}
    try:
        answer = await view.client.command("log-in", payload)
    except OssatureError as error:
        problem = view.message(error.message_key, error.message_params)
        return view.render(
            "pages/session/sign_in.html",
            error.status,
            next=_next(view),
            values=values,
            problem=problem,
        )
    view.begin(opened(answer))
    return view.redirect(safe_next(str(form.get("next") or "")))


async def sign_out(view: View) -> Response:
    await view.form()
    try:
        await view.client.command("log-out", {})
    finally:
        view.end()
    return view.redirect("/sign-in")


async def choose_language(view: View) -> Response:
    """The language of this browser (a cookie), for the pages seen before signing in."""
    form = await view.form()
    chosen = str(form.get("locale") or "")
    response = view.redirect(safe_next(str(form.get("next") or "")))
    if chosen in LOCALES:
        response.set_cookie(LOCALE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _next(view: View) -> str:
    return safe_next(view.request.query_params.get("next"))


ROUTES = [
    Route("/", page(home, signed_in=False), methods=["GET"]),
    Route("/sign-in", page(sign_in_form, signed_in=False), methods=["GET"]),
    Route("/sign-in", page(sign_in, signed_in=False), methods=["POST"]),
    Route("/sign-out", page(sign_out), methods=["POST"]),
    Route("/language", page(choose_language, signed_in=False), methods=["POST"]),
]
