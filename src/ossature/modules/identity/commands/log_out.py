"""log-out: the caller's session ends; its tokens are refused from then on."""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload

__all__ = ["LogOut", "LogOutAnswer", "UserLoggedOut", "log_out"]


class LogOut(Payload, frozen=True):
    pass


class UserLoggedOut(Event, frozen=True):
    name = "user-logged-out"

    account_id: str
    session_id: str


class LogOutAnswer(TypedDict):
    sessionId: str


async def log_out(ctx: Context, cmd: LogOut, deps: Deps) -> LogOutAnswer:
    assert ctx.access is not None and ctx.access.session_id is not None
    session = await deps.uow.load(ctx.access.session_id)
    event = UserLoggedOut(account_id=ctx.access.account_id, session_id=ctx.access.session_id)
    deps.uow.append("session", ctx.access.session_id, session.version, [event])
    return {"sessionId": ctx.access.session_id}
