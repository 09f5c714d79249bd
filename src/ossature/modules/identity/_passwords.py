"""Password hashing: Argon2id over a peppered HMAC-SHA256 pre-hash.

The password is first reduced to HMAC-SHA256(pepper, password), then hashed with
Argon2id (per-hash random salt, parameters m=19456 KiB, t=2, p=1: OWASP's
minimum). The pepper is a server-side secret kept out of the database, so a
stolen database without the pepper cannot be attacked offline: every guess
needs the pepper. The pre-hash also bounds the Argon2 input to 32 bytes.

Hashing costs ~20 ms of CPU; callers run `hash` and `verify` in a thread.
"""

import hashlib
import hmac
import secrets

import argon2
from argon2.exceptions import VerificationError

__all__ = ["MEMORY_COST_KIB", "MIN_PEPPER_BYTES", "PARALLELISM", "TIME_COST", "PasswordHasher"]

MEMORY_COST_KIB = 19456
TIME_COST = 2
PARALLELISM = 1
MIN_PEPPER_BYTES = 16


class PasswordHasher:
    """Hashes and verifies passwords; holds the pepper."""

    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < MIN_PEPPER_BYTES:
            raise ValueError(f"the pepper must be at least {MIN_PEPPER_BYTES} bytes")
        self._pepper = pepper
        self._argon2 = argon2.PasswordHasher(
            time_cost=TIME_COST,
            memory_cost=MEMORY_COST_KIB,
            parallelism=PARALLELISM,
            hash_len=32,
            salt_len=16,
            type=argon2.Type.ID,
        )
        # Hashed once here, not lazily, so that no dummy_verify call costs more than a verify.
        self._dummy = self.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        """Return an encoded Argon2id hash (`$argon2id$v=19$m=...`) of the peppered password."""
        return self._argon2.hash(self._prehash(password))

    def verify(self, stored: str, password: str) -> bool:
        """True if `password` matches `stored`; False on a mismatch or a malformed hash."""
        try:
            return self._argon2.verify(stored, self._prehash(password))
        except (VerificationError, ValueError):  # InvalidHashError and UnicodeError are ValueErrors
            return False

    def needs_rehash(self, stored: str) -> bool:
        """True if `stored` was made with other parameters (or is malformed)."""
        try:
            return self._argon2.check_needs_rehash(stored)
        except ValueError:
            return True

    def dummy_verify(self) -> None:
        """Verify against a fixed hash, so an unknown account costs as much as a wrong password."""
        self.verify(self._dummy, "")

    def _prehash(self, password: str) -> bytes:
        return hmac.new(self._pepper, password.encode("utf-8"), hashlib.sha256).digest()
