"""What the web app is configured with: its session key, the session's length, its cookies.

The web app is a client of its own (docs/decisions/0055-the-web-app-is-a-client.md): it keeps
its one key apart from the server's secrets, in `OSSATURE_WEB_SESSION_KEY` (64 hex digits) or
in the file `web-session-key` of the secrets directory, made once with mode 0600.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WebSettings"]

SESSION_HOURS = 12  # the sliding browser session, renewed by every request


@dataclass(frozen=True)
class WebSettings:
    session_key: bytes  # 32 bytes: seals the session cookie (AES-256-GCM)
    session_hours: int = SESSION_HOURS
    secure_cookies: bool = False  # cookies marked Secure: the public URL is https

    @classmethod
    def load(cls, secrets_dir: Path, env: Mapping[str, str] = os.environ) -> WebSettings:
        """The settings from the environment, the key from it or from `secrets_dir`."""
        key = env.get("OSSATURE_WEB_SESSION_KEY") or _read_or_make(secrets_dir / "web-session-key")
        public_url = env.get("OSSATURE_PUBLIC_URL", "")
        return cls(
            session_key=bytes.fromhex(key),
            # the server's idle window (refresh-session), which the cookie follows
            session_hours=int(env.get("OSSATURE_SESSION_IDLE_HOURS", SESSION_HOURS)),
            secure_cookies=public_url.startswith("https://"),
        )


def _read_or_make(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            return path.read_text().strip()
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()
