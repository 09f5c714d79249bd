"""Source locations sealed with the deployment's key (AES-256-GCM), bound to tenant and source.

A sealed location may travel in events and sit in read models: without the key
it says nothing, and the binding (associated data) stops it from being replayed
as another tenant's or another source's location.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["LocationSealer", "UnsealableLocation"]

_VERSION = "v1"


class UnsealableLocation(Exception):
    """The sealed value was made with another key, or for another tenant or source."""


def _binding(tenant_id: str, source: str) -> bytes:
    return f"{_VERSION}\x00{tenant_id}\x00{source}".encode()


class LocationSealer:
    """Seals and opens locations with one 32-byte key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, tenant_id: str, source: str, location: str) -> str:
        """`v1.<base64url(nonce | ciphertext)>`, a new nonce each time."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, location.encode(), _binding(tenant_id, source))
        return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, tenant_id: str, source: str, sealed: str) -> str:
        """The location; UnsealableLocation when the key or the binding differ."""
        version, _, body = sealed.partition(".")
        try:
            raw = base64.urlsafe_b64decode(body)
            opened = self._aead.decrypt(raw[:12], raw[12:], _binding(tenant_id, source))
        except (InvalidTag, ValueError):
            raise UnsealableLocation() from None
        if version != _VERSION:
            raise UnsealableLocation()
        return opened.decode()
