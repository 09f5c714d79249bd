"""Sealed locations: readable with the deployment's key, for the tenant and source they were made for."""

from __future__ import annotations

import pytest

from ossature.modules.analytics._sealing import LocationSealer, UnsealableLocation

KEY, OTHER_KEY = bytes(range(32)), bytes(range(1, 33))


def test_a_sealed_location_opens_to_itself() -> None:
    """Seal then open gives the location back; the sealed form does not contain it."""
    sealer = LocationSealer(KEY)
    sealed = sealer.seal("t1", "crm", "/srv/sources/crm.sqlite3")
    assert ("/srv/sources/crm.sqlite3", False) == (
        sealer.open("t1", "crm", sealed),
        "crm.sqlite3" in sealed,
    )


def test_sealing_twice_gives_two_different_values() -> None:
    """A fresh nonce each time: equal locations are not recognisable as such."""
    sealer = LocationSealer(KEY)
    assert sealer.seal("t1", "crm", "/x") != sealer.seal("t1", "crm", "/x")


@pytest.mark.parametrize(
    ("key", "tenant", "source"),
    [(OTHER_KEY, "t1", "crm"), (KEY, "t2", "crm"), (KEY, "t1", "billing")],
)
def test_another_key_tenant_or_source_cannot_open_it(key: bytes, tenant: str, source: str) -> None:
    """The tenant and source are bound to the sealed value: it cannot be moved between them."""
    sealed = LocationSealer(KEY).seal("t1", "crm", "/x")
    with pytest.raises(UnsealableLocation):
        LocationSealer(key).open(tenant, source, sealed)


@pytest.mark.parametrize("sealed", ["", "v1.", "v1.!!!", "v2.AAAA", "garbage"])
def test_a_damaged_value_cannot_be_opened(sealed: str) -> None:
    """Anything but an intact sealed value is refused the same way."""
    with pytest.raises(UnsealableLocation):
        LocationSealer(KEY).open("t1", "crm", sealed)
