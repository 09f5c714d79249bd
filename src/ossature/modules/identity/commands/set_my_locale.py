"""set-my-locale: the caller's language, for every answer, mail and token from now on.

The tokens the caller holds keep the locale they were issued with; the next log-in or
refresh-session carries the new one (decision 58). Setting the locale it has appends nothing.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.i18n import LOCALES
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity.errors import AccountNotFound, LocaleUnsupported
from ossature.modules.identity.projections import account_by_id

__all__ = ["LocaleSet", "SetMyLocale", "SetMyLocaleAnswer", "decide_locale", "set_my_locale"]


class SetMyLocale(Payload, frozen=True):
    locale: Annotated[str, msgspec.Meta(min_length=1, max_length=35)]


class LocaleSet(Event, frozen=True):
    name = "locale-set"

    account_id: str
    locale: str


class SetMyLocaleAnswer(TypedDict):
    locale: str


def decide_locale(account_id: str, current: str, wanted: str) -> list[Event]:
    """`locale-set` unless the account has it already; LocaleUnsupported for another locale
    than the accounts'."""
    if wanted not in LOCALES:
        raise LocaleUnsupported({"locale": wanted[:35], "supported": ", ".join(LOCALES)})
    return [] if wanted == current else [LocaleSet(account_id=account_id, locale=wanted)]


async def set_my_locale(ctx: Context, cmd: SetMyLocale, deps: Deps) -> SetMyLocaleAnswer:
    assert ctx.access is not None
    account_id = ctx.access.account_id
    async with deps.db.transaction(ctx.access.tenant_id, readonly=True) as conn:
        account = await account_by_id(conn, account_id)
    if account is None:  # an internal actor's made-up account
        raise AccountNotFound()
    events = decide_locale(account_id, account["locale"], cmd.locale)
    if events:
        stream = await deps.uow.load(account_id)
        deps.uow.append("account", account_id, stream.version, events)
    return {"locale": cmd.locale}
