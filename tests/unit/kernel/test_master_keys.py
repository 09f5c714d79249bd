"""The master keys of a rotation that has not finished: the newest wraps, either unwraps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ossature.kernel.config import Settings
from ossature.kernel.keys import FileMasterKey, MasterKeys


async def test_the_newest_key_wraps_and_either_unwraps() -> None:
    old, new = FileMasterKey(os.urandom(32)), FileMasterKey(os.urandom(32))
    keys = MasterKeys(new, old)
    key = os.urandom(32)
    wrapped_before = await old.wrap("tenant-a", key)

    wrapped_now = await keys.wrap("tenant-a", key)

    assert new.key_id == keys.key_id
    assert key == await new.unwrap("tenant-a", wrapped_now)
    assert [key, key] == [
        await keys.unwrap("tenant-a", wrapped_before),
        await keys.unwrap("tenant-a", wrapped_now),
    ]


async def test_a_key_none_of_them_wrapped_is_refused() -> None:
    keys = MasterKeys(FileMasterKey(os.urandom(32)), FileMasterKey(os.urandom(32)))
    stranger = await FileMasterKey(os.urandom(32)).wrap("tenant-a", os.urandom(32))
    ours_elsewhere = await keys.wrap("tenant-b", os.urandom(32))

    with pytest.raises(ValueError, match="no master key"):
        await keys.unwrap("tenant-a", stranger)
    with pytest.raises(ValueError, match="no master key"):
        await keys.unwrap("tenant-a", ours_elsewhere)


def test_the_secrets_live_in_the_var_directory_unless_a_volume_is_named(tmp_path: Path) -> None:
    var = {"OSSATURE_VAR_DIR": str(tmp_path / "var")}
    mounted = {**var, "OSSATURE_SECRETS_DIR": str(tmp_path / "mounted")}

    assert tmp_path / "var" / "secrets" == Settings.from_env(var).secrets_dir
    assert tmp_path / "mounted" == Settings.from_env(mounted).secrets_dir
