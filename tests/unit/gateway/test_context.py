"""What the gateway reads from a request: the client's address (the peer, or what a trusted
proxy forwarded) and the tenant's entry point (decision 54)."""

from __future__ import annotations

from ossature.gateway.context import client_address, entry_point, proxies

TRUSTED = proxies("10.0.0.0/8, 192.0.2.9")


def test_an_untrusted_peer_is_the_client_whatever_it_forwards() -> None:
    assert "198.51.100.7" == client_address("198.51.100.7", "203.0.113.1", TRUSTED)


def test_a_trusted_proxy_names_the_right_most_untrusted_address() -> None:
    """The left of the list is the client's own claim: only the hops we trust are skipped."""
    forwarded = "1.2.3.4, 203.0.113.5, 10.1.1.1"
    assert "203.0.113.5" == client_address("192.0.2.9", forwarded, TRUSTED)


def test_a_trusted_proxy_without_the_header_is_the_client() -> None:
    assert "10.0.0.1" == client_address("10.0.0.1", None, TRUSTED)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert "10.0.0.1" == client_address("10.0.0.1", "203.0.113.5", ())


def test_a_lone_address_is_its_own_range() -> None:
    assert ("192.0.2.9/32",) == tuple(str(n) for n in proxies("192.0.2.9"))


def test_a_host_under_the_root_domain_names_its_tenant() -> None:
    """Case, port and a trailing dot aside; another host, or no root domain, names none."""
    root = "ossature.localhost"
    hosts = ["acme.ossature.localhost:8000", "ACME.Ossature.Localhost.", "ossature.localhost"]
    others = [entry_point("127.0.0.1:8000", root), entry_point("acme.ossature.localhost", None)]
    assert (["acme", "acme", None], [None, None]) == (
        [entry_point(host, root) for host in hosts],
        others,
    )
