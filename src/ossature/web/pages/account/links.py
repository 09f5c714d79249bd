"""The pages of the links mailed to users (modules/identity/_one_time.py's PATHS), and the
form that asks for a reset link.

`/forgot-password` runs request-password-reset and always answers the same. The links
(`/reset-password?token=`, `/accept-invitation?token=`, `/verify-email?token=`) open a form:
a GET changes nothing, so a mail scanner following a link uses no token. A refused token is
said as its key's message (invalid, used, expired); a page opened without one says how to
open it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import OssatureError
from ossature.web._page import View, page
from ossature.web.pages.account._forms import isolated, text, value

__all__ = ["ROUTES"]


async def forgot_form(view: View) -> Response:
    return view.render("pages/account/forgot_password.html", values={}, error=None, sent=False)


async def forgot(view: View) -> Response:
    """request-password-reset: the same answer whether or not an account matched."""
    form = await view.form()
    values = {"tenant": text(form, "tenant"), "email": text(form, "email")}
    try:
        await view.client.command("request-password-reset", values)
    except OssatureError as error:
        return view.render(
            "pages/account/forgot_password.html",
            error.status,
            values=values,
            error=error,
            sent=False,
        )
    return view.render("pages/account/forgot_password.html", values=values, error=None, sent=True)


_CHOOSE = {
    "reset-password": ("account.reset-title", None, "account.reset-submit", "reset"),
    "accept-invitation": (
        "account.invitation-title",
        "account.invitation-intro",
        "account.invitation-submit",
        "invitation",
    ),
}


def _choose_page(
    view: View, command: str, token: str, error: OssatureError | None = None, status: int = 200
) -> Response:
    title, intro, submit, _ = _CHOOSE[command]
    return view.render(
        "pages/account/choose_password.html",
        status if token else 400,
        title=title,
        intro=intro,
        submit=submit,
        action=f"/{command}",
        token=token,
        error=error,
    )


def _choose_form(command: str) -> Any:
    async def show(view: View) -> Response:
        return _choose_page(view, command, view.request.query_params.get("token", ""))

    return show


def _choose(command: str) -> Any:
    """reset-password or accept-invitation: the token and the new password; then sign in."""

    async def post(view: View) -> Response:
        form = await view.form()
        token = text(form, "token")
        payload = {"token": token, "password": value(form, "password")}
        try:
            await view.client.command(command, payload)
        except OssatureError as error:
            return _choose_page(view, command, token, error, error.status)
        if view.signed_in:  # another account's link: its owner signs in afresh
            await _sign_out_quietly(view)
        return view.redirect(f"/sign-in?done={_CHOOSE[command][3]}")

    return post


async def _sign_out_quietly(view: View) -> None:
    with contextlib.suppress(OssatureError):  # ended already: forgotten all the same
        await view.client.command("log-out", {})
    view.end()


async def verify_form(view: View) -> Response:
    token = view.request.query_params.get("token", "")
    return view.render(
        "pages/account/verify_email.html",
        200 if token else 400,
        token=token,
        verified=None,
        error=None,
    )


async def verify(view: View) -> Response:
    form = await view.form()
    token = text(form, "token")
    try:
        answer = await view.client.command("verify-email", {"token": token})
    except OssatureError as error:
        return view.render(
            "pages/account/verify_email.html", error.status, token=token, verified=None, error=error
        )
    return view.render(
        "pages/account/verify_email.html",
        token=token,
        verified=isolated(answer["email"]),
        error=None,
    )


ROUTES = [
    Route("/forgot-password", page(forgot_form, signed_in=False), methods=["GET"]),
    Route("/forgot-password", page(forgot, signed_in=False), methods=["POST"]),
    Route(
        "/reset-password", page(_choose_form("reset-password"), signed_in=False), methods=["GET"]
    ),
    Route("/reset-password", page(_choose("reset-password"), signed_in=False), methods=["POST"]),
    Route(
        "/accept-invitation",
        page(_choose_form("accept-invitation"), signed_in=False),
        methods=["GET"],
    ),
    Route(
        "/accept-invitation", page(_choose("accept-invitation"), signed_in=False), methods=["POST"]
    ),
    Route("/verify-email", page(verify_form, signed_in=False), methods=["GET"]),
    Route("/verify-email", page(verify, signed_in=False), methods=["POST"]),
]
