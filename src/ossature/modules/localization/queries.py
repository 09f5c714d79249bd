"""Queries of the localization module."""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.i18n import FALLBACK_LOCALE, Catalogs
from ossature.kernel.messages import Payload

__all__ = ["MessageCatalog", "MessageCatalogAnswer", "message_catalog"]


class MessageCatalog(Payload, frozen=True):
    locale: Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")] = FALLBACK_LOCALE


class MessageCatalogAnswer(TypedDict):
    locale: str
    messages: dict[str, str]


async def message_catalog(ctx: Context, query: MessageCatalog, deps: Deps) -> MessageCatalogAnswer:
    """Every message of a locale (completed from the fallback), for a front end to render keys."""
    catalogs = deps.get(Catalogs)
    locale = query.locale.split("-")[0]
    chosen = locale if locale in catalogs.locales else FALLBACK_LOCALE
    return {"locale": chosen, "messages": catalogs.catalog(chosen)}
