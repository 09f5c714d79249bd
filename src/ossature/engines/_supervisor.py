"""The engines' supervisor: one thread starts the servers, restarts one that exits, stops them.

The servers are its children and are signalled when it ends: PR_SET_PDEATHSIG follows the
thread that spawned a child, not its process, so every start, restart and stop happens on
this one thread, which lives exactly as long as the engines (docs/decisions/0036). (internal)
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable

from ossature.engines._nats import Nats, NatsPorts, start_cluster
from ossature.engines._postgres import Postgres
from ossature.engines._process import EngineError
from ossature.kernel.logging import get_logger

WATCH_EVERY = 0.1  # seconds between two looks at the servers: a wait on each child, no I/O
_FIRST_RETRY, _LAST_RETRY = 0.2, 5.0  # seconds between restarts that fail, doubling

_log = get_logger("ossature.engines")


class Supervisor:
    """PostgreSQL and NATS (one server, or each node of a cluster) kept running from `start`
    to `stop`; `on_restart` is called after each restart, on the supervisor's thread."""

    def __init__(
        self, postgres: Postgres, nats: list[Nats], on_restart: Callable[[], None]
    ) -> None:
        self.postgres, self.nats, self.on_restart = postgres, nats, on_restart
        self._stopping = threading.Event()
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._found: tuple[str, list[NatsPorts]] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> tuple[str, list[NatsPorts]]:
        """Start the servers; the database URL and each NATS server's ports, or the start's
        error."""
        self._thread = threading.Thread(target=self._run, name="ossature-engines", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._found is None:
            self._thread.join()
            raise self._error or EngineError("the engines did not start")
        return self._found

    def stop(self) -> None:
        """Stop NATS then PostgreSQL, and wait until both are gone; safe to call twice."""
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        try:
            try:
                self._found = (self.postgres.start(), self._start_nats())
            except BaseException as error:
                self._error = error
                return
            finally:
                self._started.set()
            ports = self._found[1]
            while not self._stopping.wait(WATCH_EVERY):
                self._revive(ports)
        finally:
            for node in self.nats:
                node.stop()
            self.postgres.stop()

    def _start_nats(self) -> list[NatsPorts]:
        if len(self.nats) == 1:
            return [self.nats[0].start()]
        return start_cluster(self.nats)

    def _revive(self, ports: list[NatsPorts]) -> None:
        if self.postgres.exited():
            self._restart("postgres", self.postgres.start)
        for node, its_ports in zip(self.nats, ports, strict=True):
            if node.exited():
                name = "nats-server" if len(self.nats) == 1 else f"nats-server {node.node.name}"
                self._restart(name, functools.partial(node.restart, its_ports))

    def _restart(self, engine: str, start: Callable[[], object]) -> None:
        """Start `engine` again until it runs or the supervisor stops, waiting longer after
        each failure."""
        _log.warning("engine.exited", engine=engine)
        began, delay = time.monotonic(), _FIRST_RETRY
        while not self._stopping.is_set():
            try:
                start()
            except EngineError as error:
                _log.warning("engine.restart-failed", engine=engine, error=str(error)[-300:])
                self._stopping.wait(delay)
                delay = min(2 * delay, _LAST_RETRY)
                continue
            seconds = round(time.monotonic() - began, 3)
            _log.warning("engine.restarted", engine=engine, seconds=seconds)
            self.on_restart()
            return
