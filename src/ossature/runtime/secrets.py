"""Secrets kept on disk under the var directory: made once, read at every start, mode 0600.

In production, point OSSATURE_SECRETS_DIR at a mounted secret volume.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

from ossature.modules.identity._tokens import KeyRing, SigningKey

__all__ = ["Secrets", "load_secrets"]


@dataclass(frozen=True, repr=False)
class Secrets:
    pepper: bytes
    keys: KeyRing
    app_db_password: str
    relay_db_password: str
    worker_db_password: str
    scheduler_db_password: str
    demo_password: str
    analytics_location_key: bytes = b""
    analytics_email_salt: bytes = b""
    mfa_key: bytes = b""  # seals TOTP secrets, keys recovery codes' hashes (decision 52)
    one_time_token_key: bytes = b""  # derives one-time tokens' secrets (decision 47)
    credential_key: bytes = b""  # derives personal access tokens' and API keys' secrets
    support_key: bytes = b""  # seals the payloads of failed invocations kept (decision 64)
    master_key: bytes = b""  # wraps each tenant's key of personal data (decision 89)
    # the master key before a rotation that has not finished yet (decision 90), else empty
    master_key_previous: bytes = b""

    def __repr__(self) -> str:
        """The fields' names only: no key or password reaches a log line or a traceback."""
        return f"Secrets({', '.join(f'{f.name}=***' for f in fields(self))})"

    @property
    def database_roles(self) -> dict[str, str]:
        """Each database role the system connects as, with its password (decision 42)."""
        return {
            "ossature_app": self.app_db_password,
            "ossature_worker": self.worker_db_password,
            "ossature_relay": self.relay_db_password,
            "ossature_scheduler": self.scheduler_db_password,
        }


def _read_or_make(path: Path, make: str) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(make)
    return path.read_text().strip()


def load_keys(folder: Path) -> KeyRing:
    """The signing keys: `active` names the signing key, every *.pem verifies."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "active").exists():
        rotate_keys(folder)
    active_kid = (folder / "active").read_text().strip()
    keys = {
        p.stem: SigningKey.from_pem(p.stem, p.read_bytes()) for p in sorted(folder.glob("*.pem"))
    }
    others = [key for kid, key in keys.items() if kid != active_kid]
    return KeyRing(keys[active_kid], others)


def rotate_keys(folder: Path, keep: int = 2) -> str:
    """Make a new active key, keeping the previous ones (up to `keep` in all) for verification."""
    key = SigningKey.generate()
    _read_or_make(folder / f"{key.kid}.pem", key.to_pem().decode())
    (folder / "active").write_text(key.kid)
    for old in sorted(folder.glob("*.pem"))[:-keep]:
        old.unlink()
    return key.kid


def load_secrets(folder: Path, demo_password: str | None = None) -> Secrets:
    """Read the secrets in `folder`, making the missing ones."""
    return Secrets(
        pepper=bytes.fromhex(_read_or_make(folder / "pepper", secrets.token_hex(32))),
        keys=load_keys(folder / "signing-keys"),
        app_db_password=_read_or_make(folder / "app-db-password", secrets.token_urlsafe(24)),
        relay_db_password=_read_or_make(folder / "relay-db-password", secrets.token_urlsafe(24)),
        worker_db_password=_read_or_make(folder / "worker-db-password", secrets.token_urlsafe(24)),
        scheduler_db_password=_read_or_make(
            folder / "scheduler-db-password", secrets.token_urlsafe(24)
        ),
        demo_password=demo_password
        or _read_or_make(folder / "demo-password", secrets.token_urlsafe(12)),
        analytics_location_key=bytes.fromhex(
            _read_or_make(folder / "analytics-location-key", secrets.token_hex(32))
        ),
        analytics_email_salt=bytes.fromhex(
            _read_or_make(folder / "analytics-email-salt", secrets.token_hex(32))
        ),
        mfa_key=bytes.fromhex(_read_or_make(folder / "mfa-key", secrets.token_hex(32))),
        one_time_token_key=bytes.fromhex(
            _read_or_make(folder / "one-time-token-key", secrets.token_hex(32))
        ),
        credential_key=bytes.fromhex(
            _read_or_make(folder / "credential-key", secrets.token_hex(32))
        ),
        support_key=bytes.fromhex(_read_or_make(folder / "support-key", secrets.token_hex(32))),
        master_key=bytes.fromhex(_read_or_make(folder / "master-key", secrets.token_hex(32))),
        master_key_previous=_read_if_there(folder / "master-key.previous"),
    )


def _read_if_there(path: Path) -> bytes:
    return bytes.fromhex(path.read_text().strip()) if path.exists() else b""
