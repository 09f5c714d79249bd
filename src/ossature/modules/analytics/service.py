"""Login sources: the allow-list, the deployment's sealing key and salt, and running an extract.

One extract: read the source's configuration, open its sealed location and check
it against the allow-list again (it may have changed since), take a consistent
copy reduced to hashed addresses, then append the new logins, their daily counts,
each user's last login seen and the watermark in one transaction (through the
pipeline, the invocation's own, which also holds its idempotency record). Any
failure changes nothing but the source's last outcome, and the next run tries again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ossature.kernel.database import Database
from ossature.kernel.errors import DomainError, Internal
from ossature.kernel.logging import get_logger
from ossature.modules.analytics._copy import take_snapshot
from ossature.modules.analytics._ledger import Checkpoint, append_logins, record_failure
from ossature.modules.analytics._locations import AllowList, SourceTarget
from ossature.modules.analytics._sealing import LocationSealer, UnsealableLocation
from ossature.modules.analytics.errors import LocationNotAllowed, SourceNotFound

__all__ = ["LoginSources", "SourceRecord", "load_source"]

_log = get_logger("ossature.analytics")


@dataclass(frozen=True)
class SourceRecord:
    """A configured source as stored: its location sealed."""

    name: str
    kind: str
    sealed_location: str
    schedule: str


async def load_source(conn: Any, name: str) -> SourceRecord | None:
    """The current tenant's source `name`, if configured."""
    row = await conn.fetchrow(
        "select name, kind, sealed_location, schedule from login_sources where name = $1", name
    )
    return SourceRecord(**dict(row)) if row else None


async def _nothing(step: str) -> None:
    return None


@dataclass(frozen=True)
class LoginSources:
    """What configuring and extracting need; one per process, built by the composition root."""

    allowed: AllowList
    sealer: LocationSealer
    salt: bytes
    staging: Path
    checkpoint: Checkpoint = _nothing

    @classmethod
    def of(
        cls, allowed_locations: Iterable[str], key: bytes, salt: bytes, var_dir: Path
    ) -> LoginSources:
        """The service for a deployment: its allow-list, key, salt and var directory."""
        staging = var_dir / "analytics" / "staging"
        allowed = AllowList.parse(allowed_locations, base=var_dir)
        return cls(allowed, LocationSealer(key), salt, staging)

    def crashing_at(self, checkpoint: Checkpoint) -> LoginSources:
        """The same service, calling `checkpoint` between the steps of each append."""
        return dataclasses.replace(self, checkpoint=checkpoint)

    def target(self, tenant_id: str, source: SourceRecord) -> SourceTarget:
        """Where to read `source`, checked against the allow-list as it is now."""
        try:
            location = self.sealer.open(tenant_id, source.name, source.sealed_location)
        except UnsealableLocation:
            raise LocationNotAllowed({"reason": "unsealable"}) from None
        return self.allowed.check(source.kind, location)

    async def extract(self, db: Any, tenant_id: str, name: str, now: datetime) -> int:
        """Run one extract of source `name`; the number of new logins appended."""
        async with db.transaction(tenant_id, readonly=True) as conn:
            source = await load_source(conn, name)
        if source is None:
            raise SourceNotFound({"source": name})
        try:
            snapshot = await take_snapshot(self.target(tenant_id, source), self.staging, self.salt)
            async with db.transaction(tenant_id) as conn:
                return await append_logins(conn, (tenant_id, name), snapshot, now, self.checkpoint)
        except DomainError as error:
            await self._failed(db, (tenant_id, name), now, error.key)
            raise
        except Exception:
            await self._failed(db, (tenant_id, name), now, Internal.key)
            raise

    async def _failed(self, db: Any, key: tuple[str, str], now: datetime, message_key: str) -> None:
        """Record the outcome; a failure to do so is logged, not raised over the first one.

        Written in a transaction of its own: the invocation's rolls back with the error.
        """
        try:
            async with Database(db.pool).transaction(key[0]) as conn:
                await record_failure(conn, key, now, message_key)
        except Exception as error:
            _log.warning("analytics.outcome-not-recorded", error=type(error).__name__)
