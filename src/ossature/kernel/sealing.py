"""Values sealed with a deployment's key (AES-256-GCM), bound to what they belong to.

A sealed value may travel in events and sit in read models: without the key it says
nothing, and the binding (associated data, e.g. a tenant and an account) stops it from
being replayed as another owner's value (decision 12, decision 52).
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["Sealer", "Unsealable"]

_VERSION = "v1"


class Unsealable(Exception):
    """The sealed value was made with another key, or for another binding."""


def _binding(parts: tuple[str, ...]) -> bytes:
    return "\x00".join((_VERSION, *parts)).encode()


class Sealer:
    """Seals and opens text with one 32-byte key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, binding: tuple[str, ...], text: str) -> str:
        """`v1.<base64url(nonce | ciphertext)>`, a new nonce each time."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, text.encode(), _binding(binding))
        return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, binding: tuple[str, ...], sealed: str) -> str:
        """The text; Unsealable when the key or the binding differ."""
        version, _, body = sealed.partition(".")
        try:
            raw = base64.urlsafe_b64decode(body)
            opened = self._aead.decrypt(raw[:12], raw[12:], _binding(binding))
        except (InvalidTag, ValueError):
            raise Unsealable() from None
        if version != _VERSION:
            raise Unsealable()
        return opened.decode()
