"""Queries of the localization module."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.i18n import FALLBACK_LOCALE, Catalogs
from ossature.kernel.messages import Payload

__all__ = ["MessageCatalog", "message_catalog"]


class MessageCatalog(Payload, frozen=True):
    locale: Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")] = FALLBACK_LOCALE


async def message_catalog(ctx: Context, query: MessageCatalog, deps: Deps) -> dict[str, Any]:
    """Every message of a locale (completed from the fallback), for a front end to render keys."""
    catalogs = deps.get(Catalogs)
    locale = query.locale.split("-")[0]
    chosen = locale if locale in catalogs.locales else FALLBACK_LOCALE
    return {"locale": chosen, "messages": catalogs.catalog(chosen)}
