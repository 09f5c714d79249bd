"""Where a running system answers HTTP, for the operator commands that drive it.

`ossature up` (and `serve gateway`) writes `<var_dir>/http.json` once its port listens and
removes it when it stops; `ossature demo`, `ossature bench`... read it, so that they find
the system on whatever port it was given instead of assuming 8000.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import psutil

from ossature.kernel.config import Settings

__all__ = ["published", "running_url", "system_url"]


def _file(var_dir: Path) -> Path:
    return var_dir / "http.json"


@contextlib.contextmanager
def published(var_dir: Path, url: str) -> Iterator[None]:
    """Say in the var directory that this process answers at `url`, while the block runs."""
    var_dir.mkdir(parents=True, exist_ok=True)
    written = _file(var_dir).with_suffix(".json.tmp")
    written.write_text(json.dumps({"url": url, "pid": os.getpid()}))
    written.replace(_file(var_dir))
    try:
        yield
    finally:
        if _read(var_dir).get("pid") == os.getpid():
            _file(var_dir).unlink(missing_ok=True)


def running_url(var_dir: Path) -> str | None:
    """The URL of the system running on `var_dir`, or None when none runs (or it died)."""
    found = _read(var_dir)
    pid, url = found.get("pid"), found.get("url")
    if not isinstance(pid, int) or not isinstance(url, str) or not psutil.pid_exists(pid):
        return None
    return url


def system_url(settings: Settings) -> str:
    """The running system's URL, else where the settings say a system would listen."""
    return running_url(settings.var_dir) or f"http://{settings.host}:{settings.port}"


def _read(var_dir: Path) -> dict[str, object]:
    try:
        found = json.loads(_file(var_dir).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
