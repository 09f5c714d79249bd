"""Process helpers shared by the embedded engines (internal)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pathlib
import pwd
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence

import psutil


class EngineError(RuntimeError):
    """An embedded engine could not be started or stopped."""


class Child:
    """An engine's server, run as our child process (so the supervisor can see it die)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The server's pid while it runs as our child."""
        return None if self._process is None else self._process.pid

    def exited(self) -> bool:
        """True when the server we started has exited (killed, crashed) since."""
        return self._process is not None and self._process.poll() is not None


def run(
    args: Sequence[str],
    *,
    owner: pwd.struct_passwd | None = None,
    cwd: pathlib.Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion as `owner` (None: as ourselves); output in `.stdout`."""
    # A file, not a pipe: a daemon started by the command may keep a pipe open forever.
    with tempfile.TemporaryFile("w+") as output:
        # Callers name the engines' binaries, as an argument list: no shell.
        done = subprocess.run(  # noqa: S603
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=cwd,
            env=env,
            user=None if owner is None else owner.pw_uid,
            group=None if owner is None else owner.pw_gid,
            extra_groups=None if owner is None else [],
            timeout=120,
        )
        output.seek(0)
        return subprocess.CompletedProcess(done.args, done.returncode, output.read())


def spawn(
    args: Sequence[str],
    *,
    log: pathlib.Path,
    death_signal: signal.Signals,
    owner: pwd.struct_passwd | None = None,
    cwd: pathlib.Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start a server as our child, its output appended to `log`; it gets `death_signal` when
    the thread that spawned it ends (with the process, SIGKILL included), so it never
    outlives its owner."""
    with log.open("ab") as output:
        # Our wheels' binaries and our own arguments, as a list: no shell.
        return subprocess.Popen(  # noqa: S603
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            user=None if owner is None else owner.pw_uid,
            group=None if owner is None else owner.pw_gid,
            extra_groups=None if owner is None else [],
            start_new_session=True,  # Ctrl-C reaches us, not it: we stop it in order
            preexec_fn=_die_with(os.getpid(), death_signal),
        )


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int, how: signal.Signals) -> Callable[[], None]:
    """The child's last step before exec: ask for `how` at its parent's death (after the
    user switch, which would clear it), and leave at once if the parent died already."""

    def arm() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(how), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return arm


def check(done: subprocess.CompletedProcess[str]) -> None:
    """Raise EngineError with the command's output if it failed."""
    if done.returncode != 0:
        raise EngineError(f"{done.args} exited with {done.returncode}:\n{done.stdout}")


def process_running_with(pid: int, argument: str) -> psutil.Process | None:
    """The live process `pid` if `argument` is on its command line (guards against pid reuse)."""
    if pid <= 0:  # a single-user backend (initdb's) writes its pid negated in postmaster.pid
        return None
    try:
        process = psutil.Process(pid)
        return process if argument in process.cmdline() else None
    except psutil.Error:
        return None


def processes_running_with(name: str, argument: str) -> list[psutil.Process]:
    """Every live process whose executable is `name` and whose command line holds `argument`."""
    return [
        process
        for process in psutil.process_iter(["cmdline"])
        if _is_command(process.info["cmdline"], name, argument)
    ]


def _is_command(cmdline: list[str] | None, name: str, argument: str) -> bool:
    if not cmdline:
        return False
    return pathlib.Path(cmdline[0]).name == name and argument in cmdline


def terminate(process: psutil.Process, how: signal.Signals, timeout: float) -> None:
    """Send `how`, wait up to `timeout` seconds for an exit, then SIGKILL; returns once gone."""
    with contextlib.suppress(psutil.NoSuchProcess):
        process.send_signal(how)
        if not wait_until(lambda: exited(process), timeout):
            process.kill()
            wait_until(lambda: exited(process), timeout)


def exited(process: psutil.Process) -> bool:
    """Whether the process is gone or a zombie (dead, waiting for its parent to reap it)."""
    try:
        return bool(process.status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True


def wait_until(ready: Callable[[], bool], timeout: float) -> bool:
    """Poll `ready` every 10 ms until it is true (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def tail(path: pathlib.Path, lines: int = 20) -> str:
    """The last lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
