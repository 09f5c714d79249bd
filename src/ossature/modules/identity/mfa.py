"""An account's second factor, folded from its stream. Pure: no I/O, no clock, no ids.

The MFA events live beside the commands that append them and say how they change this
state (`evolve`); `mfa_of` folds an account's stream, passing over its other events
(registration, passwords...). The rules of codes are in `_totp.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ossature.kernel.messages import Event
from ossature.modules.identity.commands.register_account import AccountRegistered

__all__ = ["Mfa", "MfaEvent", "mfa_of"]


@dataclass(frozen=True)
class Mfa:
    """`pending`: a sealed secret enrolled, not yet confirmed; `secret`: the confirmed one
    (MFA is on); `last_step`: the latest time step a code was accepted at (and by which
    session); `recovery`: each recovery code's hash, and the session that used it ("" while
    unused; "-" when used to disable)."""

    email: str = ""
    pending: str | None = None
    secret: str | None = None
    last_step: int = -1
    last_step_session: str = ""
    recovery: Mapping[str, str] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return self.secret is not None

    def used_step(self, step: int, session: str) -> Mfa:
        return replace(self, last_step=max(self.last_step, step), last_step_session=session)

    def used_code(self, code_hash: str, session: str) -> Mfa:
        return replace(self, recovery={**self.recovery, code_hash: session})


class MfaEvent(Event, frozen=True):
    """An event of an account's second factor."""

    def evolve(self, mfa: Mfa) -> Mfa:
        raise NotImplementedError


def mfa_of(events: Iterable[Event]) -> Mfa:
    """The account's second factor after `events` (its stream, in order)."""
    mfa = Mfa()
    for event in events:
        if isinstance(event, MfaEvent):
            mfa = event.evolve(mfa)
        elif isinstance(event, AccountRegistered):
            mfa = replace(mfa, email=event.email)
    return mfa
