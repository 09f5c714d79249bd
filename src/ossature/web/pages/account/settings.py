"""The account page: the language, the email address (a verification link), two-step
verification (enroll, confirm, disable), the password, personal access tokens (create, shown
once; revoke), the entitlements gained and the requirements still unmet, and forgetting the
account (confirmed by a ticked box).

Each section is a form posted to its own path; a success goes back to the page, which says
what was saved; a refusal shows the page again with the message of its key.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ossature.sdk import OssatureError
from ossature.web._i18n import LOCALES
from ossature.web._page import LOCALE_COOKIE, View, page
from ossature.web.pages.account._forms import isolated, text, value
from ossature.web.pages.account.sign_in import A_YEAR, set_locale

__all__ = ["ROUTES"]

_SAVED = {
    "language": "account.saved-language",
    "totp-off": "account.saved-totp-off",
    # pragma: allowlist nextline secret: a message key, said once a password is changed
    "password": "account.saved-password",
    "token-revoked": "account.saved-token-revoked",
    "verification-sent": "account.saved-verification-sent",
}
_LANGUAGES = {"en": "account.language-en", "fr": "account.language-fr", "ar": "account.language-ar"}
_DAYS = (30, 90, 365)


async def account_page(
    view: View, error: OssatureError | None = None, status: int = 200
) -> Response:
    me, tokens, entitlements = await asyncio.gather(
        view.client.query("get-my-account"),
        view.client.query("list-personal-access-tokens"),
        _entitlements(view),
    )
    abilities = await view.know()
    saved = view.request.query_params.get("saved", "")
    return view.render(
        "pages/account/account.html",
        status,
        me=me,
        me_name=isolated(me["email"] or me["displayName"]),
        tokens=[_token_row(token) for token in tokens["tokens"]],
        entitlements=entitlements,
        unmet=abilities.unmet,
        notice=view.t(_SAVED[saved]) if saved in _SAVED else None,
        error=error,
        languages=[(code, view.t(_LANGUAGES[code])) for code in LOCALES],
        durations=[(str(days), view.t("account.token-days-n", days=days)) for days in _DAYS],
    )


async def _entitlements(view: View) -> list[dict[str, Any]] | None:
    """The entitlements the account gained; None (the section is left out) when the server
    does not answer them."""
    try:
        return await view.client.list_my_entitlements()
    except OssatureError as error:
        if error.status == 401:
            raise
        return None


def _token_row(token: dict[str, Any]) -> dict[str, Any]:
    if token["revokedAt"] is not None:
        state = "revoked"
    elif token["expiresAt"] <= time.time():
        state = "expired"
    else:
        state = "active"
    return {
        "id": token["tokenId"],
        "name": token["name"],
        "expires": token["expiresAt"],
        "state": state,
    }


def _account_action(command: str, fields: tuple[str, ...], saved: str) -> Any:
    """A form of the account page that runs `command` with `fields`; back to the page, which
    says it is saved, or shows the refusal."""

    async def post(view: View) -> Response:
        form = await view.form()
        payload = {name: value(form, name) for name in fields}
        try:
            await view.client.command(command, payload)
        except OssatureError as error:
            if error.status == 401:
                raise
            return await account_page(view, error, error.status)
        return view.redirect(f"/account?saved={saved}")

    return post


async def account_language(view: View) -> Response:
    form = await view.form()
    try:
        await set_locale(view, text(form, "locale"))
    except OssatureError as error:
        if error.status == 401:
            raise
        return await account_page(view, error, error.status)
    response = view.redirect("/account?saved=language")
    response.set_cookie(
        LOCALE_COOKIE, text(form, "locale"), max_age=A_YEAR, samesite="lax", path="/"
    )
    return response


async def totp_enroll(view: View) -> Response:
    await view.form()
    answer = await view.client.command("enroll-totp", {})
    return _totp_page(view, answer["secret"], answer["otpauthUri"])


def _totp_page(
    view: View, secret: str, uri: str, error: OssatureError | None = None, status: int = 200
) -> Response:
    return view.render("pages/account/totp_setup.html", status, secret=secret, uri=uri, error=error)


async def totp_confirm(view: View) -> Response:
    """confirm-totp: the recovery codes, shown once; a wrong code, the setup page again."""
    form = await view.form()
    code = text(form, "code").replace(" ", "")
    try:
        answer = await view.client.command("confirm-totp", {"code": code})
    except OssatureError as error:
        if error.status == 401:
            raise
        return _totp_page(view, text(form, "secret"), text(form, "uri"), error, error.status)
    return view.render("pages/account/recovery_codes.html", codes=answer["recoveryCodes"])


async def token_create(view: View) -> Response:
    form = await view.form()
    days = int(text(form, "days")) if text(form, "days") in {str(d) for d in _DAYS} else _DAYS[0]
    payload = {"name": text(form, "name"), "expiresAt": int(time.time()) + days * 24 * 3600}
    try:
        answer = await view.client.command("create-personal-access-token", payload)
    except OssatureError as error:
        if error.status == 401:
            raise
        return await account_page(view, error, error.status)
    return view.render("pages/account/token_made.html", token=answer["token"])


async def forget_me(view: View) -> Response:
    """forget-account of one's own account, once the box saying it cannot be undone is
    ticked; then signed out, to the sign-in page that says it is done."""
    form = await view.form()
    if text(form, "confirm") != "yes":
        return await account_page(view, _unconfirmed(view), 400)
    me = await view.client.query("get-my-account")
    try:
        await view.client.forget_account(me["accountId"])
    except OssatureError as error:
        if error.status == 401:
            raise
        return await account_page(view, error, error.status)
    view.end()  # the session ended with the account
    return view.redirect("/sign-in?done=forgotten")


def _unconfirmed(view: View) -> OssatureError:
    return OssatureError(400, "account.forget-unconfirmed")


ROUTES = [
    Route("/account", page(account_page), methods=["GET"]),
    Route("/account/language", page(account_language), methods=["POST"]),
    Route("/account/totp", page(totp_enroll), methods=["POST"]),
    Route("/account/totp/confirm", page(totp_confirm), methods=["POST"]),
    Route(
        "/account/totp/disable",
        page(_account_action("disable-totp", ("code",), "totp-off")),
        methods=["POST"],
    ),
    Route(
        "/account/password",
        page(_account_action("change-password", ("currentPassword", "newPassword"), "password")),
        methods=["POST"],
    ),
    Route("/account/tokens", page(token_create), methods=["POST"]),
    Route("/account/forget", page(forget_me), methods=["POST"]),
    Route(
        "/account/verify-email",
        page(_account_action("request-email-verification", (), "verification-sent")),
        methods=["POST"],
    ),
    Route(
        "/account/tokens/revoke",
        page(_account_action("revoke-personal-access-token", ("tokenId",), "token-revoked")),
        methods=["POST"],
    ),
]
