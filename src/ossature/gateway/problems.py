"""RFC 9457 problem documents: a message key and its parameters, never a server-made sentence."""

from __future__ import annotations

from typing import Any

from ossature.kernel.errors import DomainError
from ossature.kernel.i18n import Catalogs

__all__ = ["problem"]


def problem(
    error: DomainError, invocation_id: str, catalogs: Catalogs, locale: str
) -> dict[str, Any]:
    """The problem+json body for `error`; `title` is the key rendered in `locale`."""
    params = {k: _plain(v) for k, v in error.params.items()}
    return {
        "type": f"urn:ossature:problem:{error.key}",
        "title": catalogs.render(locale, error.key, params),
        "status": error.status,
        "messageKey": error.key,
        "messageParams": params,
        "invocationId": invocation_id,
        "retryable": error.retryable,
    }


def _plain(value: object) -> object:
    """A parameter as JSON: scalars as they are, lists and objects of them too (what an error
    sends a client to act on, such as access.requirement-unmet's `unmet`), anything else as
    its text."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
