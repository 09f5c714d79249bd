"""Source locations sealed with the deployment's key (AES-256-GCM), bound to tenant and source.

A sealed location may travel in events and sit in read models: without the key
it says nothing, and the binding (associated data) stops it from being replayed
as another tenant's or another source's location. The sealing is the kernel's
(`kernel/sealing.py`); this names its binding.
"""

from __future__ import annotations

from ossature.kernel.sealing import Sealer, Unsealable

__all__ = ["LocationSealer", "UnsealableLocation"]


class UnsealableLocation(Exception):
    """The sealed value was made with another key, or for another tenant or source."""


class LocationSealer:
    """Seals and opens locations with one 32-byte key."""

    def __init__(self, key: bytes) -> None:
        self._sealer = Sealer(key)

    def seal(self, tenant_id: str, source: str, location: str) -> str:
        """`v1.<base64url(nonce | ciphertext)>`, a new nonce each time."""
        return self._sealer.seal((tenant_id, source), location)

    def open(self, tenant_id: str, source: str, sealed: str) -> str:
        """The location; UnsealableLocation when the key or the binding differ."""
        try:
            return self._sealer.open((tenant_id, source), sealed)
        except Unsealable:
            raise UnsealableLocation() from None
