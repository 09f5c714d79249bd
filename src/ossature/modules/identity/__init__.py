"""Identity: accounts, passwords, sessions and access tokens.

This table is the module: its commands (one file each under `commands/`), event types and
projection. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import Anyone, AnyScope, CommandSpec, Module, Public
from ossature.modules.identity.commands import log_in, log_out, register_account
from ossature.modules.identity.projections import ACCOUNTS

__all__ = ["MODULE"]

EVENTS: list[type[Event]] = [
    register_account.AccountRegistered,
    register_account.PasswordSet,
    log_in.UserLoggedIn,
    log_out.UserLoggedOut,
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
        CommandSpec("log-in", log_in.LogIn, log_in.log_in, Public(), ("accessToken",)),
        CommandSpec("log-out", log_out.LogOut, log_out.log_out, Anyone()),
    ],
    events=EVENTS,
    projections=[ACCOUNTS],
    root=Path(__file__).parent,
)
