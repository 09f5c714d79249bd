"""The rules of set-tenant-security-policy: ranges checked, canonical, never locking out."""

from __future__ import annotations

import pytest

from ossature.modules.tenancy.commands.set_tenant_security_policy import decide_ranges
from ossature.modules.tenancy.errors import InvalidIpRange, PolicyExcludesCaller


def test_ranges_come_back_canonical_and_once() -> None:
    """A lone address is its /32 (or /128); a range given twice is kept once."""
    ranges = ["203.0.113.0/24", "203.0.113.7", "2001:DB8::/32", "203.0.113.0/24"]
    assert ["203.0.113.0/24", "203.0.113.7/32", "2001:db8::/32"] == decide_ranges(
        ranges, "203.0.113.7"
    )


@pytest.mark.parametrize("bad", ["10.0.0.1/8", "300.1.1.1/32", "example.com", "10.0.0.0/33"])
def test_a_range_that_is_not_a_cidr_is_refused_by_name(bad: str) -> None:
    """Host bits set count as a mistake: `10.0.0.1/8` is refused, not widened."""
    with pytest.raises(InvalidIpRange) as refused:
        decide_ranges(["10.0.0.0/8", bad], "10.1.2.3")
    assert {"range": bad} == refused.value.params


def test_ranges_that_exclude_the_caller_are_refused() -> None:
    with pytest.raises(PolicyExcludesCaller) as refused:
        decide_ranges(["10.0.0.0/8"], "192.0.2.1")
    assert {"clientIp": "192.0.2.1"} == refused.value.params


def test_an_unknown_caller_address_is_outside_every_range() -> None:
    with pytest.raises(PolicyExcludesCaller):
        decide_ranges(["0.0.0.0/0"], None)


def test_no_ranges_allow_every_address_whoever_sets_them() -> None:
    assert [] == decide_ranges([], None)


def test_the_system_itself_may_set_ranges_without_an_address() -> None:
    """Seeding and the scheduler have no address and are never confined by ranges."""
    assert ["10.0.0.0/8"] == decide_ranges(["10.0.0.0/8"], None, internal=True)
