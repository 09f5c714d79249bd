"""The tenant's perimeter (decision 54): its invocations come from its allowed ranges.

Each process remembers each tenant's ranges for at most `FRESH_FOR` seconds, so a tenant
without ranges costs a dictionary lookup per invocation and one read per interval; a policy
changed at another gateway holds here within that bound (at once in the process that set
it). Invocations the system makes itself (mechanism `internal`) have no address and are not
confined.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.deps import Deps
from ossature.modules.tenancy.errors import (
    IpNotAllowed,
    TenantRequired,
    UnknownEntryPoint,
    WrongEntryPoint,
)
from ossature.modules.tenancy.projections import tenant_by_slug

__all__ = [
    "FRESH_FOR",
    "PLATFORM_TENANT",
    "Perimeter",
    "admit_public",
    "confined",
    "inside",
    "tenant_of_request",
]

FRESH_FOR = 2.0  # seconds a process trusts the ranges it read
PLATFORM_TENANT = "platform"  # the slug of the platform's own tenant: its operators' home
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def inside(ranges: tuple[Network, ...], address: str | None) -> bool:
    """True when there are no ranges, or when `address` is in one of them."""
    if not ranges:
        return True
    ip = _address(address or "")
    return ip is not None and any(ip in network for network in ranges)


@lru_cache(maxsize=4096)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def confined(ctx: Context) -> bool:
    """Whether ranges apply to this invocation: all but those the system makes itself."""
    return ctx.access is None or ctx.access.mechanism != "internal"


@dataclass
class Perimeter:
    """Each tenant's ranges, read at most every FRESH_FOR seconds per process."""

    db: Database
    fresh_for: float = FRESH_FOR
    _known: dict[str, tuple[float, tuple[Network, ...]]] = field(default_factory=dict)
    _slugs: dict[str, str] = field(default_factory=dict)

    async def admit(self, ctx: Context, tenant_id: str) -> None:
        """IpNotAllowed when `tenant_id` has ranges and the invocation comes from outside."""
        if confined(ctx) and not inside(await self.ranges(tenant_id), ctx.provenance.client_ip):
            raise IpNotAllowed({"clientIp": ctx.provenance.client_ip or "unknown"})

    async def ranges(self, tenant_id: str) -> tuple[Network, ...]:
        known = self._known.get(tenant_id)
        if known is not None and time.monotonic() - known[0] < self.fresh_for:
            return known[1]
        async with self.db.transaction(tenant_id, readonly=True) as conn:
            raw = await conn.fetchval("select allowed_ip_ranges::text[] from tenant_security")
        ranges = tuple(ipaddress.ip_network(r) for r in raw or ())
        if len(self._known) > 100_000:  # bounded: forget all rather than grow without end
            self._known.clear()
        self._known[tenant_id] = (time.monotonic(), ranges)
        return ranges

    async def entry(self, ctx: Context) -> str | None:
        """The tenant id of the entry point the request reached (None: no entry point);
        UnknownEntryPoint for a slug of no tenant; WrongEntryPoint for a token of another
        tenant. Slugs never change: a tenant found is remembered."""
        slug = ctx.provenance.entry_point
        if slug is None:
            return None
        tenant_id = self._slugs.get(slug)
        if tenant_id is None:
            async with self.db.transaction(None, readonly=True) as conn:
                tenant = await tenant_by_slug(conn, slug)
            if tenant is None:
                raise UnknownEntryPoint({"entryPoint": slug[:64]})
            tenant_id = self._slugs[slug] = str(tenant["tenant_id"])
        if ctx.tenant_id is not None and ctx.tenant_id != tenant_id and confined(ctx):
            raise WrongEntryPoint({"entryPoint": slug})
        return tenant_id

    def forget(self, tenant_id: str) -> None:
        """Read the tenant's ranges again at its next invocation (its policy changed here)."""
        self._known.pop(tenant_id, None)


async def tenant_of_request(
    ctx: Context, deps: Deps, named: str | None, otherwise: str | None = None
) -> dict[str, Any] | None:
    """The tenant a public command acts in (log-in, password reset): the one it names, or
    else the entry point's (`<slug>.<root domain>`), or else the tenant of slug `otherwise`
    (log-in's: the platform's); None when the named one does not exist. TenantRequired when
    none says; WrongEntryPoint when the name and the entry point disagree."""
    entry = ctx.provenance.entry_point
    if named is not None and entry is not None and named != entry:
        raise WrongEntryPoint({"entryPoint": entry})
    slug = named or entry or otherwise
    if slug is None:
        raise TenantRequired()
    async with deps.db.transaction(None, readonly=True) as conn:
        return await tenant_by_slug(conn, slug)


async def admit_public(ctx: Context, deps: Deps, tenant_id: str) -> None:
    """For a public command, once it knows its tenant (log-in, a one-time token's, an MFA
    token's), and after naming it to the unit of work so that a refusal is the tenant's:
    WrongEntryPoint at another tenant's entry point, IpNotAllowed outside its ranges."""
    entry = ctx.provenance.entry_tenant_id
    if entry is not None and entry != tenant_id:
        raise WrongEntryPoint({"entryPoint": ctx.provenance.entry_point or ""})
    perimeter = deps.services.get(Perimeter)
    if isinstance(perimeter, Perimeter):
        await perimeter.admit(ctx, tenant_id)
