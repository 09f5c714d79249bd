"""configure-login-source: where a source is, what kind it is and when to extract it.

A location travels only sealed (see `_sealing.py`): the event carries it sealed.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.analytics._sealing import UnsealableLocation
from ossature.modules.analytics.errors import ReservedSourceName
from ossature.modules.analytics.schedule import check_schedule
from ossature.modules.analytics.service import LoginSources
from ossature.modules.analytics.state import (
    OWN_LOGINS,
    LoginSource,
    LoginSourceEvent,
    SourceName,
    replay,
    source_stream,
)

__all__ = [
    "ConfigureLoginSource",
    "ConfigureLoginSourceAnswer",
    "LoginSourceConfigured",
    "configure_login_source",
    "decide_configure",
]


class ConfigureLoginSource(Payload, frozen=True):
    name: SourceName
    kind: Literal["sqlite", "postgresql"]
    location: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    schedule: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class LoginSourceConfigured(LoginSourceEvent, frozen=True):
    name = "login-source-configured"

    source_name: str
    kind: str
    sealed_location: str
    schedule: str

    def evolve(self, source: LoginSource | None) -> LoginSource:
        return LoginSource(self.source_name, self.kind, self.sealed_location, self.schedule)


def decide_configure(
    current: LoginSource | None, cmd: ConfigureLoginSource, sealed: str, same_location: bool
) -> list[Event]:
    """A reserved name or a schedule that never occurs is refused; the same settings append nothing."""
    if cmd.name == OWN_LOGINS:
        raise ReservedSourceName({"name": cmd.name})
    check_schedule(cmd.schedule)
    unchanged = current is not None and same_location and current.kind == cmd.kind
    if unchanged and current is not None and current.schedule == cmd.schedule:
        return []
    return [
        LoginSourceConfigured(
            source_name=cmd.name, kind=cmd.kind, sealed_location=sealed, schedule=cmd.schedule
        )
    ]


def _same_location(
    sources: LoginSources, tenant_id: str, current: LoginSource | None, location: str
) -> bool:
    if current is None:
        return False
    try:
        return sources.sealer.open(tenant_id, current.name, current.sealed_location) == location
    except UnsealableLocation:
        return False


class ConfigureLoginSourceAnswer(TypedDict):
    source: str
    version: int


async def configure_login_source(
    ctx: Context, cmd: ConfigureLoginSource, deps: Deps
) -> ConfigureLoginSourceAnswer:
    assert ctx.tenant_id is not None
    sources = deps.get(LoginSources)
    sources.allowed.check(cmd.kind, cmd.location)
    stream = await deps.uow.load(source_stream(ctx.tenant_id, cmd.name))
    current = replay(stream.events, stream.version)
    same = _same_location(sources, ctx.tenant_id, current, cmd.location)
    sealed = sources.sealer.seal(ctx.tenant_id, cmd.name, cmd.location)
    events = decide_configure(current, cmd, sealed, same)
    deps.uow.append("login-source", stream.stream_id, stream.version, events)
    return {"source": cmd.name, "version": stream.version + len(events)}
