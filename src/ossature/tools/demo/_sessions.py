"""The demo's session steps: a browser-style session renews its access token with its refresh
token, carries a newly chosen language, and stops renewing once logged out (decision 58)."""

from __future__ import annotations

from ossature.sdk import Unauthenticated, token_claims
from ossature.tools.demo._support import TENANT, Demo, check, expect_problem

__all__ = ["refreshed_session"]


async def refreshed_session(demo: Demo) -> str:
    """A session of its own: the viewer's language is set back to what it was at the end."""
    viewer = demo.client.with_token(None)
    opened = await viewer.log_in(TENANT, f"viewer@{TENANT}.test", demo.password)
    before = str(token_claims(opened.access_token)["locale"])
    other = "fr" if before != "fr" else "en"
    await viewer.set_my_locale(other)
    renewed = await viewer.refresh_session()
    locale = token_claims(renewed.access_token)["locale"]
    mine = await viewer.query("get-my-account")
    await viewer.set_my_locale(before)
    check(renewed.session_id == opened.session_id, "the refresh opened another session")
    check(locale == other, f"the renewed token's locale is {locale}, not {other}")
    check(mine["locale"] == other, f"get-my-account says {mine['locale']}, not {other}")
    await viewer.log_out()
    viewer.refresh_token = opened.refresh_token
    refused = await expect_problem(viewer.refresh_session(), 401)
    check(isinstance(refused, Unauthenticated), type(refused).__name__)
    return f"renewed in {other}, same session; after log-out: 401 {refused.message_key}"
