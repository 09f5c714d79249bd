"""The system under test: its URL, its processes when local, its database, the demo password."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

from ossature.engines import running_engines
from ossature.kernel.config import Settings
from ossature.runtime.migrate import database_url_for

__all__ = ["Target", "demo_password", "find_target"]

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
_APP_ROLE = "ossature_app"
_DATABASE = "ossature"  # the database `ossature up` creates on its embedded engines


@dataclass(frozen=True)
class Target:
    """Where the bench sends its load, and what it may read about the server.

    `server_pid` is the `ossature up` process when it runs on this machine on the var
    directory and listens on the URL's port; `postgres_pid` its embedded PostgreSQL's
    postmaster, `nats_pids` its NATS servers'. `owner_url` creates the baseline's table; the
    baseline server connects with `baseline_url`.
    """

    url: str
    host: str
    port: int
    server_pid: int | None = None
    postgres_pid: int | None = None
    owner_url: str | None = None
    baseline_url: str | None = None
    grantee: str | None = None
    notes: list[str] = field(default_factory=list)
    nats_pids: tuple[int, ...] = ()


def find_target(url: str, settings: Settings, database_url: str | None) -> Target:
    """The target at `url`, with what the var directory and the options tell about it."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    server_pid, postgres_pid, notes = None, None, []
    nats_pids: tuple[int, ...] = ()
    engines = running_engines(settings.var_dir) if host in _LOCAL_HOSTS else None
    if engines is not None:
        server_pid = _listening(_lock_holder(settings.var_dir), port)
        postgres_pid = _postmaster(settings.var_dir) if server_pid else None
        nats_pids = (engines.nats_pids or (engines.nats_pid,)) if server_pid else ()
    if server_pid is None:
        notes.append("the server's process is not on this machine's var directory: CPU n/a")
    owner = database_url or settings.database_url
    if owner is None and engines is not None and server_pid is not None:
        owner = _with_database(engines.database_url, _DATABASE)
    bare, grantee = _baseline_url(owner, database_url, settings.var_dir)
    if owner is None:
        notes.append("no database to reach (give --database-url): baseline skipped")
    found = (server_pid, postgres_pid, owner, bare, grantee, notes)
    return Target(url, host, port, *found, nats_pids=tuple(p for p in nats_pids if p))


def _baseline_url(
    owner: str | None, given: str | None, var_dir: Path
) -> tuple[str | None, str | None]:
    """The baseline server connects as the application's role when its password is at hand."""
    password_file = var_dir / "secrets" / "app-db-password"
    if owner is None or given is not None or not password_file.exists():
        return owner, None
    password = password_file.read_text().strip()
    return database_url_for(owner, _APP_ROLE, password), _APP_ROLE


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


def _lock_holder(var_dir: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int((var_dir / "engines.lock").read_text().split()[0])
    return None


def _postmaster(var_dir: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((var_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    return None


def _listening(pid: int | None, port: int) -> int | None:
    """`pid` when that process listens on `port`: the var directory's `up` is the one at the URL."""
    if pid is None:
        return None
    try:
        sockets = psutil.Process(pid).net_connections(kind="tcp")
    except (psutil.Error, OSError):
        return None
    ports = {s.laddr.port for s in sockets if s.status == psutil.CONN_LISTEN}
    return pid if port in ports else None


def demo_password(settings: Settings, given: str | None) -> str:
    """The password: the option, else OSSATURE_DEMO_PASSWORD, else the var directory's file."""
    if given or settings.demo_password:
        return str(given or settings.demo_password)
    return (settings.secrets_dir / "demo-password").read_text().strip()
