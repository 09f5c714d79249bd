"""Embedded PostgreSQL, NATS and SMTP for `ossature up` and the test suite.

    with EmbeddedEngines(pathlib.Path("var")) as endpoints:
        ...  # endpoints.database_url, endpoints.nats_url, ...

Supervised: the servers are children of a thread of the owner's, which restarts one that
exits (a crash, a SIGKILL) on the same socket and ports, so that clients reconnect.

Stopping: `stop()` runs on leaving the `with` block (Ctrl-C raises KeyboardInterrupt, which
unwinds it) and at interpreter exit. `start()`, called from the main thread, also makes
SIGTERM and SIGHUP raise SystemExit when they still have their default action, so that
`kill <pid>` unwinds the same way. A SIGKILLed owner takes its servers with it: each gets a
signal from the kernel when its owner dies. The SMTP server is a thread of the owner's
(`_smtp.py`), so it dies with it; it keeps what it receives in `<var_dir>/mail`. The next `start()` on the same var dir copes
with what a crash left (stale pid files, a server of an older version still running). One
process at a time owns a var dir (an advisory lock on `<var_dir>/engines.lock`, released by
the kernel on death). While it runs, the owner keeps its endpoints and the servers' current
pids in `<var_dir>/engines.json`, so that other commands (`projections rebuild`, `bench`,
...) can use the same engines through `running_engines(var_dir)`. Blocking: call it before
the event loop starts, or through asyncio.to_thread.
"""

from __future__ import annotations

import atexit
import dataclasses
import fcntl
import json
import os
import pathlib
import signal
import threading
from types import FrameType, TracebackType

from ossature.engines._nats import HOST, MAX_REPLICAS, Nats
from ossature.engines._postgres import Postgres
from ossature.engines._process import EngineError
from ossature.engines._smtp import SmtpServer
from ossature.engines._supervisor import Supervisor

__all__ = [
    "EmbeddedEngines",
    "EngineEndpoints",
    "EngineError",
    "exit_on_termination",
    "running_engines",
]


@dataclasses.dataclass(frozen=True)
class EngineEndpoints:
    """Where the running engines listen."""

    database_url: str  # superuser, unix socket: postgresql://postgres:@/postgres?host=/dir
    nats_url: str  # nats://127.0.0.1:<port>, comma-separated: one URL per node of a cluster
    mqtt_url: str  # mqtt://127.0.0.1:<port>
    websocket_url: str  # ws://127.0.0.1:<port>/mqtt (MQTT over WebSocket)
    nats_credentials: str = ""  # the folder of the NATS nkeys (NatsCredentials.embedded reads it)
    smtp_url: str = ""  # smtp://127.0.0.1:<port>, "" when no SMTP server was started
    maildir: str = ""  # where that server keeps what it receives (a Maildir)
    postgres_pid: int = 0  # the servers' pids at the time of reading (a restart changes them)
    nats_pid: int = 0  # the first node's, for a cluster
    nats_replicas: int = 1  # how many copies of each JetStream stream: 3 on a cluster of 3
    nats_pids: tuple[int, ...] = ()  # every node's, in the order of nats_url


class EmbeddedEngines:
    """PostgreSQL (data in `<var_dir>/postgres`) and NATS (`<var_dir>/nats`), kept across runs,
    and, unless `smtp` is False (mail goes to an external server), SMTP (`<var_dir>/mail`).

    With `nats_nodes` above 1, NATS is a cluster of that many local nodes
    (`<var_dir>/nats/node-N`), each stream kept on up to three of them."""

    def __init__(self, var_dir: pathlib.Path, smtp: bool = True, nats_nodes: int = 1) -> None:
        self.var_dir = var_dir.absolute()
        self._postgres = Postgres(self.var_dir / "postgres")
        self._nats = _nats_nodes(self.var_dir / "nats", nats_nodes)
        self._smtp = SmtpServer(self.var_dir / "mail") if smtp else None
        self._supervisor: Supervisor | None = None
        self._lock: int | None = None
        self._endpoints: EngineEndpoints | None = None

    def start(self) -> EngineEndpoints:
        """Start PostgreSQL then NATS and return their endpoints; a second call returns them."""
        if self._endpoints is not None:
            return self._endpoints
        self._lock = _lock(self.var_dir)
        try:
            self._endpoints = self._start_engines()
            self._publish()
        except BaseException:
            self.stop()
            raise
        atexit.register(self.stop)
        exit_on_termination()
        return self._endpoints

    def stop(self) -> None:
        """Stop NATS then PostgreSQL and wait until both are gone; safe to call twice."""
        atexit.unregister(self.stop)
        self._endpoints = None
        if self._lock is None:
            return  # not ours: another process may own this var dir's servers
        try:
            _endpoints_file(self.var_dir).unlink(missing_ok=True)
            if self._smtp is not None:
                self._smtp.stop()
            if self._supervisor is not None:
                self._supervisor.stop()
        finally:
            self._unlock()

    def __enter__(self) -> EngineEndpoints:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _start_engines(self) -> EngineEndpoints:
        self._supervisor = Supervisor(self._postgres, self._nats, self._publish)
        database_url, nodes = self._supervisor.start()
        smtp_url = self._smtp.start() if self._smtp is not None else ""
        ports = nodes[0]  # MQTT clients reach the first node; every node listens
        return EngineEndpoints(
            database_url=database_url,
            nats_url=",".join(f"nats://{HOST}:{node.client}" for node in nodes),
            mqtt_url=f"mqtt://{HOST}:{ports.mqtt}",
            websocket_url=f"ws://{HOST}:{ports.websocket}/mqtt",
            nats_credentials=str(self._nats[0].credentials_dir),
            smtp_url=smtp_url,
            maildir=str(self._smtp.folder) if self._smtp is not None else "",
            nats_replicas=min(len(nodes), MAX_REPLICAS),
        )

    def _publish(self) -> None:
        """Write the endpoints and the servers' current pids to `engines.json`."""
        if self._endpoints is None:
            return
        pids = tuple(node.pid or 0 for node in self._nats)
        found = dataclasses.replace(
            self._endpoints, postgres_pid=self._postgres.pid or 0, nats_pid=pids[0], nats_pids=pids
        )
        written = _endpoints_file(self.var_dir).with_suffix(".json.tmp")
        written.write_text(json.dumps(dataclasses.asdict(found)))
        written.replace(_endpoints_file(self.var_dir))  # readers never see half a file

    def _unlock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            os.close(lock)


def running_engines(var_dir: pathlib.Path) -> EngineEndpoints | None:
    """The endpoints of the engines another process runs on `var_dir`, or None when none does."""
    lock_file = var_dir.absolute() / "engines.lock"
    if not lock_file.exists():
        return None
    descriptor = os.open(lock_file, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return None  # nobody holds it: nothing is running
    except BlockingIOError:
        pass
    finally:
        os.close(descriptor)
    try:
        found = json.loads(_endpoints_file(var_dir).read_text())
        return EngineEndpoints(**{**found, "nats_pids": tuple(found.get("nats_pids", ()))})
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # the owner is still starting its engines


def _nats_nodes(directory: pathlib.Path, count: int) -> list[Nats]:
    """One server in `directory`, or a cluster's nodes in its `node-N` folders, which share
    its credentials."""
    if count <= 1:
        return [Nats(directory)]
    credentials = directory / "credentials"
    return [Nats(directory / f"node-{n}", credentials_dir=credentials) for n in range(1, count + 1)]


def _endpoints_file(var_dir: pathlib.Path) -> pathlib.Path:
    return var_dir / "engines.json"


def _lock(var_dir: pathlib.Path) -> int:
    """Hold `<var_dir>/engines.lock`; the engines found running without a holder are stale."""
    var_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(var_dir / "engines.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(descriptor, 32).decode(errors="replace").strip()
        os.close(descriptor)
        by = f" (pid {holder})" if holder.isdigit() else ""
        raise EngineError(f"{var_dir} is in use by another process{by}") from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())
    return descriptor


def exit_on_termination() -> None:
    """Make SIGTERM and SIGHUP raise SystemExit (when still at their default action), so that
    `kill <pid>` unwinds `with` blocks and exits with 0 where SystemExit is suppressed."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _raise_system_exit)


def _raise_system_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
