"""set-tenant-security-policy: whether the tenant's accounts need MFA, and the address ranges
its invocations must come from (decision 54).

A policy whose ranges exclude the caller's own address is refused: an administrator cannot
lock themselves out by mistake. An empty list allows every address. Invocations the system
makes itself (mechanism `internal`: seeding, the scheduler) have no address and are not
confined by ranges, so their policies are not checked against one.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.tenancy.errors import InvalidIpRange, PolicyExcludesCaller
from ossature.modules.tenancy.perimeter import Perimeter
from ossature.modules.tenancy.projections import root_folder_of

__all__ = [
    "SetTenantSecurityPolicy",
    "TenantSecurityPolicyAnswer",
    "TenantSecurityPolicySet",
    "decide_ranges",
    "root_of_tenant",
    "security_stream",
    "set_tenant_security_policy",
]

MAX_RANGES = 100

Range = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class SetTenantSecurityPolicy(Payload, frozen=True):
    require_mfa: bool
    allowed_ip_ranges: Annotated[list[Range], msgspec.Meta(max_length=MAX_RANGES)] = []


class TenantSecurityPolicySet(Event, frozen=True):
    name = "tenant-security-policy-set"

    require_mfa: bool
    allowed_ip_ranges: list[str]


class TenantSecurityPolicyAnswer(TypedDict):
    requireMfa: bool
    allowedIpRanges: list[str]
    version: int


def decide_ranges(ranges: list[str], caller: str | None, internal: bool = False) -> list[str]:
    """The ranges in their canonical form; InvalidIpRange naming the first that is not a
    CIDR (host bits set included: `10.0.0.1/8` is a typo more often than a wish), and
    PolicyExcludesCaller when none holds the caller's address (unless `internal`)."""
    networks = []
    for raw in ranges:
        try:
            networks.append(ipaddress.ip_network(raw.strip(), strict=True))
        except ValueError:
            raise InvalidIpRange({"range": raw}) from None
    canonical = list(dict.fromkeys(str(network) for network in networks))
    if networks and not internal and not _holds(networks, caller):
        raise PolicyExcludesCaller({"clientIp": caller or "unknown"})
    return canonical


def _holds(networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network], ip: str | None) -> bool:
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in network for network in networks)


def security_stream(tenant_id: str) -> str:
    """The stream of a tenant's security policy."""
    return f"{tenant_id}.security"


async def set_tenant_security_policy(
    ctx: Context, cmd: SetTenantSecurityPolicy, deps: Deps
) -> TenantSecurityPolicyAnswer:
    assert ctx.access is not None
    internal = ctx.access.mechanism == "internal"
    ranges = decide_ranges(cmd.allowed_ip_ranges, ctx.provenance.client_ip, internal)
    stream = await deps.uow.load(security_stream(ctx.access.tenant_id))
    event = TenantSecurityPolicySet(require_mfa=cmd.require_mfa, allowed_ip_ranges=ranges)
    deps.uow.append("tenant-security", stream.stream_id, stream.version, [event])
    perimeter = deps.services.get(Perimeter)
    if isinstance(perimeter, Perimeter):  # here at once; other processes within FRESH_FOR
        perimeter.forget(ctx.access.tenant_id)
    return {"requireMfa": cmd.require_mfa, "allowedIpRanges": ranges, "version": stream.version + 1}


async def root_of_tenant(ctx: Context, cmd: SetTenantSecurityPolicy, deps: Deps) -> str:
    """The tenant's root folder: a policy of the whole tenant is decided there."""
    return await root_folder_of(deps, ctx)
