"""The home page and signing out.

`/sign-out` ends the session on the server (`log-out`) and clears the cookie. Signing in and
the language chooser are the account area's (pages/account.py).
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ossature.web._page import View, page

__all__ = ["ROUTES"]


async def home(view: View) -> Response:
    return view.redirect("/folders" if view.signed_in else "/sign-in")


async def sign_out(view: View) -> Response:
    await view.form()
    try:
        await view.client.command("log-out", {})
    finally:
        view.end()
    return view.redirect("/sign-in")


ROUTES = [
    Route("/", page(home, signed_in=False), methods=["GET"]),
    Route("/sign-out", page(sign_out), methods=["POST"]),
]
