"""The identity service: the password hasher and the token key ring, built once at start-up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from ossature.kernel.deps import Deps
from ossature.modules.identity._password_table import Passwords, PasswordTable
from ossature.modules.identity._passwords import PasswordHasher
from ossature.modules.identity._personal import email_index
from ossature.modules.identity._throttle import Rules
from ossature.modules.identity._tokens import AccessClaims, KeyRing
from ossature.modules.identity.errors import EmailInvalid
from ossature.modules.identity.events import PasswordSet
from ossature.modules.identity.fields import normalize_email

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
    index_key: bytes = field(default=b"", repr=False)  # keys accounts' email index (decision 93)
    throttle: Rules = field(default_factory=Rules)
    passwords: Passwords = field(default_factory=PasswordTable)  # where hashes are kept

    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify_password(self, stored: str | None, password: str) -> bool:
        """Costs the same whether or not the account exists."""
        if stored is None:
            await asyncio.to_thread(self.hasher.dummy_verify)
            return False
        return await asyncio.to_thread(self.hasher.verify, stored, password)

    async def set_password(
        self, deps: Deps, tenant_id: str, account_id: str, password: str
    ) -> PasswordSet:
        """Hash `password` and keep the hash as the account's, in the invocation's
        transaction; the event that says so (with no hash)."""
        await self.passwords.set(deps, tenant_id, account_id, await self.hash_password(password))
        return PasswordSet(account_id=account_id)

    def email_index(self, tenant_id: str, normal_email: str) -> str:
        """The blind index that finds the tenant's account with this (normalized) email."""
        return email_index(self.index_key, tenant_id, normal_email)

    def index_of(self, tenant_id: str, email: str) -> str | None:
        """The blind index of `email` as typed (normalized first: decision 45); None when it
        is no address once normalized."""
        try:
            return self.email_index(tenant_id, normalize_email(email))
        except EmailInvalid:
            return None

    def issue(self, claims: AccessClaims) -> str:
        return self.keys.issue(claims)
