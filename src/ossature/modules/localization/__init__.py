"""Localization: the message catalogs behind every key the server returns."""

from pathlib import Path

from ossature.kernel.module import Module, Public, QuerySpec
from ossature.modules.localization.queries import MessageCatalog, message_catalog

__all__ = ["MODULE"]

MODULE = Module(
    name="localization",
    queries=[QuerySpec("get-message-catalog", MessageCatalog, message_catalog, Public())],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)
