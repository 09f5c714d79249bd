"""Building the invocation context from an HTTP request's headers."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from functools import lru_cache

from ua_parser import parse

from ossature.gateway.incoming import Asked
from ossature.kernel.context import Actor, Context, Provenance, UserAgent
from ossature.kernel.errors import InvalidPayload
from ossature.kernel.ids import is_ulid
from ossature.runtime.contexts import new_trace

__all__ = [
    "InvalidHeader",
    "build_context",
    "client_address",
    "entry_point",
    "parse_toggles",
    "proxies",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
_TOGGLES = {"log.level": frozenset({"debug", "info", "warning", "error"})}


class InvalidHeader(InvalidPayload):
    key = "errors.invalid-header"


def _ulid_header(request: Asked, name: str) -> str | None:
    value = request.headers.get(name)
    if value is not None and not is_ulid(value):
        raise InvalidHeader({"header": name})
    return value


def _trace_id(request: Asked) -> str | None:
    match = _TRACEPARENT.match(request.headers.get("traceparent", ""))
    return match.group(1) if match and match.group(1) != "0" * 32 else None


def parse_toggles(header: str) -> dict[str, str]:
    """`log.level=debug, …` into a dict; unknown keys or values are refused."""
    toggles: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = part.partition("=")
        if value.strip() not in _TOGGLES.get(key.strip(), ()):
            raise InvalidHeader({"header": "X-Toggles"})
        toggles[key.strip()] = value.strip()
    return toggles


@lru_cache(maxsize=512)
def parse_user_agent(raw: str) -> UserAgent:
    """The browser, OS and device named by a User-Agent header."""
    parsed = parse(raw[:512])
    ua, os, device = parsed.user_agent, parsed.os, parsed.device
    return UserAgent(
        raw=raw[:512],
        browser=ua.family if ua else None,
        browser_version=".".join(filter(None, (ua.major, ua.minor))) if ua else None,
        os=os.family if os else None,
        device=device.family if device else None,
    )


def proxies(raw: str) -> tuple[Network, ...]:
    """OSSATURE_TRUSTED_PROXIES: comma-separated CIDRs (a lone address is its /32 or /128);
    ValueError naming a bad entry."""
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False)
        for entry in raw.split(",")
        if entry.strip()
    )


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(
    peer: str | None, forwarded: str | None, trusted: Sequence[Network]
) -> str | None:
    """The client's address: the socket's peer, unless the peer is a trusted proxy; then the
    right-most address of X-Forwarded-For that is not a trusted proxy (the left ones were
    written by whoever sent the request, and may be forged)."""
    if peer is None or not forwarded or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else peer


def entry_point(host: str | None, root: str | None) -> str | None:
    """The tenant slug of a Host `<slug>.<root>` (port and case aside), None for any other
    host or without a root domain (OSSATURE_ROOT_DOMAIN)."""
    if not root or not host:
        return None
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.lower().rstrip(".")
    suffix = "." + root.lower().strip(".")
    return name[: -len(suffix)][:64] or None if name.endswith(suffix) else None


def build_context(
    request: Asked,
    actor: Actor | None,
    trusted: Sequence[Network] = (),
    root: str | None = None,
) -> Context:
    """The context of one HTTP invocation: ids from the client's headers, made when absent."""
    trace = new_trace(
        _ulid_header(request, "idempotency-key"),
        _ulid_header(request, "x-client-action-id"),
        _trace_id(request),
    )
    provenance = Provenance(
        client_ip=client_address(
            request.client.host if request.client else None,
            request.headers.get("x-forwarded-for"),
            trusted,
        ),
        user_agent=parse_user_agent(request.headers.get("user-agent", "")),
        entry_point=entry_point(request.headers.get("host"), root),
    )
    toggles = parse_toggles(request.headers.get("x-toggles", ""))
    return Context(access=actor, provenance=provenance, trace=trace, toggles=toggles)
