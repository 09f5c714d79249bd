"""NATS JWTs: `ed25519-nkey` signed claims, as the auth callout exchanges them.

(internal)
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

__all__ = ["MalformedJwt", "decode", "encode", "verify"]

_HEADER = {"typ": "JWT", "alg": "ed25519-nkey"}


class MalformedJwt(ValueError):
    """Not a NATS JWT, or its signature does not hold."""


def encode(claims: Mapping[str, Any], signer: Any) -> str:
    """`claims` signed by `signer`, an nkeys KeyPair (its public key should be `iss`)."""
    head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    body = _b64(json.dumps(dict(claims), separators=(",", ":")).encode())
    signature = signer.sign(f"{head}.{body}".encode())
    return f"{head}.{body}.{_b64(signature)}"


def decode(token: str | bytes) -> dict[str, Any]:
    """The claims of a JWT, unverified; MalformedJwt when it does not parse."""
    text = token.decode() if isinstance(token, bytes) else token
    parts = text.split(".")
    if len(parts) != 3:
        raise MalformedJwt("not three parts")
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError as error:
        raise MalformedJwt("not JSON") from error
    if not isinstance(claims, dict):
        raise MalformedJwt("not an object")
    return claims


def verify(token: str, public_key: str) -> dict[str, Any]:
    """The claims of a JWT signed by the nkey `public_key`; MalformedJwt otherwise."""
    head, body, signature = token.split(".") if token.count(".") == 2 else ("", "", "")
    try:
        VerifyKey(_raw_public_key(public_key)).verify(f"{head}.{body}".encode(), _unb64(signature))
    except (BadSignatureError, ValueError, TypeError) as error:
        raise MalformedJwt("bad signature") from error
    return decode(token)


def _raw_public_key(public_key: str) -> bytes:
    """The 32 key bytes of an encoded public nkey (prefix byte, key, CRC16)."""
    try:
        data = base64.b32decode(public_key + "=" * (-len(public_key) % 8))
    except ValueError as error:
        raise MalformedJwt("not a public nkey") from error
    return data[1:-2]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
