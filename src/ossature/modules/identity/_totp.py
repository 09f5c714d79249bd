"""TOTP (RFC 6238, through pyotp) and recovery codes: the rules, pure, and their keys.

A code is accepted at its time step within one step either side of now, once: the step
of an accepted code, and every earlier one, is refused afterwards (the account's
`last_step`). Recovery codes are 80 random bits, shown once and kept as HMAC-SHA256 under
a deployment key (decision 52): too much entropy to guess, so a keyed hash is enough and
a code is found by its hash, with no Argon2 per stored code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass

import pyotp

from ossature.kernel.sealing import Sealer, Unsealable

__all__ = [
    "ISSUER",
    "RECOVERY_CODES",
    "STEP_SECONDS",
    "WINDOW",
    "MfaKeys",
    "Unsealable",
    "accepted_step",
    "is_recovery_code",
    "new_recovery_codes",
    "normalize_recovery_code",
    "otpauth_uri",
]

ISSUER = "Ossature"
STEP_SECONDS = 30
WINDOW = 1  # steps either side of now: a clock 30 s off, or a code typed as it turned
RECOVERY_CODES = 10
_CODE_GROUPS, _GROUP = 4, 4  # xxxx-xxxx-xxxx-xxxx: 16 base32 letters, 80 bits


def accepted_step(secret: str, code: str, now: int, last_step: int) -> int | None:
    """The time step at which `code` is `secret`'s, within the window and after
    `last_step`; None when it is not (wrong, too old, or already used)."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp, current = pyotp.TOTP(secret, interval=STEP_SECONDS), now // STEP_SECONDS
    for step in range(current - WINDOW, current + WINDOW + 1):
        if step > last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def otpauth_uri(secret: str, email: str) -> str:
    """The `otpauth://totp/...` URI an authenticator app reads (as a QR code)."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=ISSUER
    )


def new_recovery_codes() -> list[str]:
    """Ten fresh codes, as the user sees them."""
    return [_format(base64.b32encode(secrets.token_bytes(10)).decode()) for _ in range(10)]


def _format(letters: str) -> str:
    groups = [letters[i : i + _GROUP] for i in range(0, _CODE_GROUPS * _GROUP, _GROUP)]
    return "-".join(groups).lower()


def normalize_recovery_code(code: str) -> str:
    """The code as issued, whatever the case, spaces and dashes it was typed with."""
    letters = "".join(code.split()).replace("-", "").lower()
    return _format(letters.upper()) if len(letters) == _CODE_GROUPS * _GROUP else letters


def is_recovery_code(code: str) -> bool:
    """True when `code` has a recovery code's shape (a TOTP code is six digits)."""
    letters = normalize_recovery_code(code).replace("-", "")
    return len(letters) == _CODE_GROUPS * _GROUP and letters.isascii() and letters.isalnum()


@dataclass(frozen=True)
class MfaKeys:
    """The deployment's MFA key: seals TOTP secrets and keys the recovery codes' hashes."""

    key: bytes

    def __post_init__(self) -> None:
        if len(self.key) != 32:
            raise ValueError("the MFA key must be 32 bytes")

    def _derived(self, purpose: str) -> bytes:
        return hmac.new(self.key, purpose.encode(), hashlib.sha256).digest()

    def seal(self, tenant_id: str, account_id: str, secret: str) -> str:
        """The TOTP secret sealed, bound to its tenant and account."""
        return Sealer(self._derived("totp-secret")).seal((tenant_id, account_id), secret)

    def open(self, tenant_id: str, account_id: str, sealed: str) -> str:
        """The TOTP secret; Unsealable with another key, tenant or account."""
        return Sealer(self._derived("totp-secret")).open((tenant_id, account_id), sealed)

    def secret_for(self, tenant_id: str, account_id: str, key: str) -> str:
        """The secret an enrollment with idempotency key `key` proposes: a repeat of it
        proposes the same one, and nobody without the deployment key can predict it."""
        seed = f"{tenant_id}\n{account_id}\n{key}"
        raw = hmac.new(self._derived("totp-enroll"), seed.encode(), hashlib.sha256).digest()
        return base64.b32encode(raw[:20]).decode()

    def hash_code(self, account_id: str, code: str) -> str:
        """A recovery code's keyed hash, bound to its account (hex)."""
        message = f"{account_id}\n{normalize_recovery_code(code)}".encode()
        return hmac.new(self._derived("recovery-code"), message, hashlib.sha256).hexdigest()

    def hashes(self, account_id: str, codes: Collection[str]) -> list[str]:
        return [self.hash_code(account_id, code) for code in codes]
