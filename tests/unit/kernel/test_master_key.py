"""The file master key wraps a tenant's key for that tenant only."""

from __future__ import annotations

import os

import pytest

from ossature.kernel.keys import FORGOTTEN, FileMasterKey, is_sealed, subject_of


async def test_a_wrapped_key_unwraps_for_its_tenant_only() -> None:
    master = FileMasterKey(os.urandom(32))
    key = os.urandom(32)
    wrapped = await master.wrap("tenant-a", key)

    assert key not in wrapped
    assert await master.unwrap("tenant-a", wrapped) == key
    with pytest.raises(ValueError, match="does not belong"):
        await master.unwrap("tenant-b", wrapped)
    with pytest.raises(ValueError, match="does not belong"):
        await FileMasterKey(os.urandom(32)).unwrap("tenant-a", wrapped)


def test_the_key_id_names_the_key_not_its_bytes() -> None:
    key = os.urandom(32)
    assert FileMasterKey(key).key_id == FileMasterKey(key).key_id
    assert FileMasterKey(key).key_id != FileMasterKey(os.urandom(32)).key_id
    assert key.hex() not in FileMasterKey(key).key_id


def test_sealed_values_are_told_from_plain_text_and_the_marker() -> None:
    assert is_sealed("pd1.01SUBJECT.abc")
    assert subject_of("pd1.01SUBJECT.abc") == "01SUBJECT"
    assert not is_sealed("ada@example.test")
    assert not is_sealed(FORGOTTEN)
    assert not is_sealed(None)
