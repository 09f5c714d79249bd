"""Identity: accounts, passwords, sessions and access tokens."""

from pathlib import Path

from ossature.kernel.module import Anyone, AnyScope, CommandSpec, Module, Public
from ossature.modules.identity.commands import (
    LogIn,
    LogOut,
    RegisterAccount,
    log_in,
    log_out,
    register_account,
)
from ossature.modules.identity.events import (
    AccountRegistered,
    PasswordSet,
    UserLoggedIn,
    UserLoggedOut,
)
from ossature.modules.identity.projections import ACCOUNTS

__all__ = ["MODULE"]

MODULE = Module(
    name="identity",
    commands=[
        CommandSpec(
            "register-account", RegisterAccount, register_account, AnyScope("accounts.create")
        ),
        CommandSpec("log-in", LogIn, log_in, Public()),
        CommandSpec("log-out", LogOut, log_out, Anyone()),
    ],
    events=[AccountRegistered, PasswordSet, UserLoggedIn, UserLoggedOut],
    projections=[ACCOUNTS],
    root=Path(__file__).parent,
)
