"""Where a running system answers, as the operator commands find it in the var directory."""

from __future__ import annotations

import json
from pathlib import Path

from ossature.kernel.config import Settings
from ossature.runtime.address import published, running_url, system_url


def test_a_published_url_is_found_while_its_process_runs(tmp_path: Path) -> None:
    """Inside the block the URL is found; after it, nothing is, and the settings decide."""
    settings = Settings.from_env({"OSSATURE_VAR_DIR": str(tmp_path), "OSSATURE_PORT": "8123"})
    # when
    with published(tmp_path, "http://127.0.0.1:4567"):
        inside = system_url(settings)
    # then
    assert ("http://127.0.0.1:4567", "http://127.0.0.1:8123") == (inside, system_url(settings))


def test_the_url_of_a_dead_process_is_not_found(tmp_path: Path) -> None:
    """A file left by a killed `up` names a pid that is gone: no URL."""
    (tmp_path / "http.json").write_text(json.dumps({"url": "http://x:1", "pid": 2**22 + 1}))
    assert running_url(tmp_path) is None
