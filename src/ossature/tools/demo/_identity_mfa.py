"""The demo's MFA steps: a fresh account enrolls TOTP, then logs in with a code."""

from __future__ import annotations

import time

import pyotp

from ossature.sdk import MfaRequired, new_ulid
from ossature.tools.demo._support import TENANT, Demo, check

__all__ = ["log_in_with_a_code", "totp_enrolled"]


async def totp_enrolled(demo: Demo) -> str:
    """An account of its own (registered by the admin), so no other step's user changes."""
    admin, email = await demo.user("admin"), f"mfa-{new_ulid()[-10:].lower()}@{TENANT}.test"
    body = {"email": email, "displayName": "MFA demo", "password": demo.password}
    await admin.command("register-account", body)
    user = await demo.client.as_user(TENANT, email, demo.password)
    secret = (await user.command("enroll-totp", {}))["secret"]
    confirmed = await user.command("confirm-totp", {"code": pyotp.TOTP(secret).now()})
    await user.log_out()
    demo.mfa = {"email": email, "secret": secret}
    codes = confirmed["recoveryCodes"]
    check(len(codes) == 10, f"{len(codes)} recovery codes")
    return f"{email}: TOTP on, {len(codes)} recovery codes shown once"


async def log_in_with_a_code(demo: Demo) -> str:
    """The password answers an MFA token; the code of the next time step completes it."""
    check(bool(demo.mfa), "no account enrolled")
    client, mfa_token = demo.client.with_token(None), ""
    try:
        await client.log_in(TENANT, demo.mfa["email"], demo.password)
    except MfaRequired as asked:
        mfa_token = asked.mfa_token
    check(bool(mfa_token), "log-in answered an access token without a code")
    code = pyotp.TOTP(demo.mfa["secret"]).at(time.time() + 30)
    session = await client.complete_log_in(mfa_token, code=code)
    folders = await client.list_folders()
    return f"mfaRequired, then session {session.session_id[-6:]} ({len(folders)} folders)"
