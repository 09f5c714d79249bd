"""Identity: accounts, passwords, sessions and access tokens.

This table is the module: its commands (one file each under `commands/`), event types and
projection. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import Anyone, AnyScope, CommandSpec, Module, Public
from ossature.modules.identity.commands import (
    complete_log_in,
    confirm_totp,
    disable_totp,
    enroll_totp,
    log_in,
    log_out,
    register_account,
)
from ossature.modules.identity.projections import ACCOUNTS

__all__ = ["MODULE"]

EVENTS: list[type[Event]] = [
    register_account.AccountRegistered,
    register_account.PasswordSet,
    log_in.UserLoggedIn,
    log_out.UserLoggedOut,
    enroll_totp.TotpEnrolled,
    confirm_totp.TotpConfirmed,
    disable_totp.TotpDisabled,
    complete_log_in.MfaChallengePassed,
]

MODULE = Module(
    name="identity",
    commands=[
        CommandSpec(
            "register-account",
            register_account.RegisterAccount,
            register_account.register_account,
            AnyScope("accounts.create"),
        ),
        CommandSpec("log-in", log_in.LogIn, log_in.log_in, Public(), ("accessToken", "mfaToken")),
        CommandSpec(
            "complete-log-in",
            complete_log_in.CompleteLogIn,
            complete_log_in.complete_log_in,
            Public(),
            ("accessToken",),
        ),
        CommandSpec("log-out", log_out.LogOut, log_out.log_out, Anyone()),
        CommandSpec(
            "enroll-totp",
            enroll_totp.EnrollTotp,
            enroll_totp.enroll_totp,
            Anyone(),
            ("secret", "otpauthUri"),
        ),
        CommandSpec(
            "confirm-totp",
            confirm_totp.ConfirmTotp,
            confirm_totp.confirm_totp,
            Anyone(),
            ("recoveryCodes",),
        ),
        CommandSpec("disable-totp", disable_totp.DisableTotp, disable_totp.disable_totp, Anyone()),
    ],
    events=EVENTS,
    projections=[ACCOUNTS],
    root=Path(__file__).parent,
)
