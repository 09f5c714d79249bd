"""The identity service: the password hasher and the token key ring, built once at start-up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from ossature.modules.identity._passwords import PasswordHasher
from ossature.modules.identity._throttle import Rules
from ossature.modules.identity._tokens import AccessClaims, KeyRing

__all__ = ["IdentityService"]


@dataclass(frozen=True)
class IdentityService:
    """Hashing runs in a thread: Argon2id costs ~20 ms of CPU by design."""

    hasher: PasswordHasher
    keys: KeyRing
    # derives tokens' and keys' secrets (decision 48); empty, making one raises ValueError
    credential_key: bytes = field(default=b"", repr=False)
    token_lifetime: int = 15 * 60
    session_idle: int = 12 * 3600  # seconds a session may go unrefreshed (decision 58)
    subject_key: bytes = field(default=b"", repr=False)  # keys the hash naming an email
    throttle: Rules = field(default_factory=Rules)

    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify_password(self, stored: str | None, password: str) -> bool:
        """Costs the same whether or not the account exists."""
        if stored is None:
            await asyncio.to_thread(self.hasher.dummy_verify)
            return False
        return await asyncio.to_thread(self.hasher.verify, stored, password)

    def issue(self, claims: AccessClaims) -> str:
        return self.keys.issue(claims)
