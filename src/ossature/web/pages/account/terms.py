"""Accepting the terms of service: the first flow that gives an entitlement.

A requirement `accepted-terms:<version>` the server says is unmet links here (the problem
panel, the account page); the form runs `accept-terms` and goes back to where the user came
from (`next`, only a path of this site), where the refused form can be sent again.
"""

from __future__ import annotations

import re

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import OssatureError
from ossature.web._page import View, page, safe_next
from ossature.web.pages.account._forms import text
from ossature.web.pages.account.sign_in import renew

__all__ = ["ROUTES"]

_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")  # what an address may carry


async def terms(view: View, error: OssatureError | None = None, status: int = 200) -> Response:
    version = view.request.path_params["version"]
    if not _VERSION.fullmatch(version):
        return view.render("pages/problem.html", 404, error=None, text=view.t("problem.not-found"))
    back = safe_next(view.request.query_params.get("next"))
    accepted = {e["id"] for e in await view.client.list_my_entitlements()}
    return view.render(
        "pages/account/terms.html",
        status,
        version=version,
        back=back,
        accepted=f"signed-terms:{version}" in accepted,
        error=error,
        key=view.idempotency_key,
    )


async def accept(view: View) -> Response:
    version = view.request.path_params["version"]
    form = await view.form()
    try:
        await view.client.accept_terms(version, idempotency_key=view.idempotency_key)
    except OssatureError as error:
        if error.status >= 500 or error.status == 401:
            raise
        return await terms(view, error, error.status)
    await renew(view)  # a token taken after the acceptance, whatever it carries
    return view.redirect(safe_next(text(form, "next")))


ROUTES = [
    Route("/terms/{version}", page(terms), methods=["GET"]),
    Route("/terms/{version}", page(accept), methods=["POST"]),
]
