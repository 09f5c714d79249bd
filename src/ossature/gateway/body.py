"""Reading a request's body: JSON in UTF-8, at most MAX_BODY bytes, or a keyed refusal.

Every way a body can be malformed has its own message key (a client can tell a
truncated upload from a wrong type), and none reaches a handler or answers a 5xx.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ossature.gateway.incoming import Asked
from ossature.kernel.errors import DomainError, InvalidPayload, PayloadTooLarge

__all__ = [
    "MAX_BODY",
    "BodyHoldsNul",
    "BodyNotJson",
    "BodyNotUtf8",
    "BodyTooDeep",
    "UnsupportedMediaType",
    "read_json",
]

MAX_BODY = 1024 * 1024


class BodyNotUtf8(InvalidPayload):
    key = "errors.body-not-utf-8"


class BodyNotJson(InvalidPayload):
    key = "errors.body-not-json"


class BodyTooDeep(InvalidPayload):
    key = "errors.body-too-deep"


class BodyHoldsNul(InvalidPayload):
    key = "errors.body-holds-nul"


class UnsupportedMediaType(DomainError):
    key = "errors.unsupported-media-type"
    status = 415


def _check_media_type(request: Asked) -> None:
    """JSON, or no type at all (simple clients send none); a form's type, or a charset
    other than UTF-8, is refused rather than guessed at."""
    declared = request.headers.get("content-type")
    if declared is None:
        return
    media, *params = (part.strip().lower() for part in declared.split(";"))
    json = media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )
    charsets = {p.removeprefix("charset=").strip('"') for p in params if p.startswith("charset=")}
    if not json or not charsets <= {"utf-8"}:
        raise UnsupportedMediaType({"accepted": "application/json"})


async def _read_bytes(request: Asked) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge({"limit": MAX_BODY})
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise PayloadTooLarge({"limit": MAX_BODY})
        chunks.append(chunk)
    return b"".join(chunks)


def decode_json(body: bytes) -> Any:
    """`body` decoded; None when it is empty or blank (a payload without fields)."""
    if not body.strip():
        return None
    try:
        decoded = msgspec.json.decode(body)
    except UnicodeDecodeError as error:  # a ValueError, not a msgspec.DecodeError
        raise BodyNotUtf8() from error
    except msgspec.DecodeError as error:
        raise BodyNotJson() from error
    except RecursionError as error:
        raise BodyTooDeep() from error
    if b"\\u0000" in body and _holds_nul(decoded):
        raise BodyHoldsNul()
    return decoded


async def read_json(request: Asked) -> Any:
    """The request's JSON body, decoded; a DomainError (4xx) for any malformed one."""
    _check_media_type(request)
    return decode_json(await _read_bytes(request))


def _holds_nul(value: Any) -> bool:
    """True when a NUL character is in any string of a decoded JSON value (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
