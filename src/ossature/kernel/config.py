"""Settings read from the environment once, at start-up, by the composition root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    """Everything configurable. External engines are used when their URLs are set."""

    var_dir: Path
    database_url: str | None
    nats_url: str | None
    host: str
    port: int
    log_format: str
    log_level: str
    demo_password: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read OSSATURE_* variables; defaults suit a laptop."""
        env = os.environ if env is None else env
        return cls(
            var_dir=Path(env.get("OSSATURE_VAR_DIR", "var")).resolve(),
            database_url=env.get("OSSATURE_DATABASE_URL") or None,
            nats_url=env.get("OSSATURE_NATS_URL") or None,
            host=env.get("OSSATURE_HOST", "127.0.0.1"),
            port=int(env.get("OSSATURE_PORT", "8000")),
            log_format=env.get("OSSATURE_LOG_FORMAT", "json"),
            log_level=env.get("OSSATURE_LOG_LEVEL", "info"),
            demo_password=env.get("OSSATURE_DEMO_PASSWORD") or None,
        )
