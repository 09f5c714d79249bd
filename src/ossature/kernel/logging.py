"""Structured logs: JSON by default, readable in a terminal with OSSATURE_LOG_FORMAT=console.

Every line of an invocation carries its ids (bind them with `for_context`). The
default minimum level is INFO; the toggle `log.level` of one invocation lowers
it for that invocation only. Values under secret-looking keys are masked, and so is every
`Secret` or `Personal` value (kernel/sensitive.py), at any depth: a line shows its mask.

With OSSATURE_LOG_COPY=<folder>, each line is also appended, as JSON whatever the format,
to <folder>/<pid>.jsonl: the test suite's lines are checked against schemas/log-line.json
(`python -m ossature.tools.logcheck`).

Lines are buffered: warnings and errors reach the stream at once, info and debug lines
within FLUSH_EVERY seconds (and at exit), so that logging every invocation does not cost a
system call each.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import logging
import os
import sys
import threading
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any, TextIO

import msgspec
import structlog

from ossature.kernel.context import Context
from ossature.kernel.sensitive import Sensitive

__all__ = [
    "COPY_VARIABLE",
    "FLUSH_EVERY",
    "REDACTED",
    "configure_logging",
    "for_context",
    "get_logger",
    "redact",
]

REDACTED = "[redacted]"
_LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}
_SECRET_PARTS = ("password", "secret", "token", "authorization", "pepper", "cookie", "credential")
_MIN_LEVEL_KEY = "_min_level"
FLUSH_EVERY = 0.2  # seconds an info line may wait in the buffer
COPY_VARIABLE = "OSSATURE_LOG_COPY"  # a folder that gets a JSON copy of every line


def _unencodable(value: Any) -> str:
    """What JSON cannot hold is written as its repr; a Sensitive value as its mask."""
    return value.mask if isinstance(value, Sensitive) else repr(value)


_json = msgspec.json.Encoder(enc_hook=_unencodable)


def _dumps(value: Any, **_: Any) -> str:
    """A log line as JSON, several times faster than json.dumps (one line per invocation)."""
    return _json.encode(value).decode()


@functools.lru_cache(maxsize=4096)  # log field names are few
def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in _SECRET_PARTS)


def redact(value: Any) -> Any:
    """A copy of `value` with every secret-looking key's value masked, and every Secret or
    Personal value shown as its mask, at any depth."""
    if isinstance(value, Sensitive):
        return value.mask
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_secret(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})  # values with nothing inside to mask
_MASKED = (Mapping, list, tuple, Sensitive)  # values that redact may change


@functools.lru_cache(maxsize=1024)  # a line's keys: one tuple per call site, or nearly
def _any_secret(keys: tuple[str, ...]) -> bool:
    return any(_is_secret(key) for key in keys)


def _redact_processor(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    if _PLAIN.issuperset(map(type, event.values())) and not _any_secret(tuple(event)):
        return event  # the usual line, decided without a loop in Python (docs/performance.md)
    for key, value in event.items():
        nested = type(value) not in _PLAIN and isinstance(value, _MASKED)
        if nested or _is_secret(key):  # (the type test first: an ABC's isinstance is slow)
            return {k: REDACTED if _is_secret(k) else redact(v) for k, v in event.items()}
    return event  # the usual line: flat, and no key looks secret


class _LineWriter:
    """Writes rendered lines to a stream; warnings and worse are flushed at once, the rest
    by a background thread every FLUSH_EVERY seconds (a flush per line is a system call
    per invocation)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def msg(self, message: str) -> None:
        with self.lock:
            self.stream.write(message + "\n")

    def urgent(self, message: str) -> None:
        with self.lock:
            self.stream.write(message + "\n")
            self.stream.flush()

    def flush(self) -> None:
        with self.lock:
            self.stream.flush()

    log = debug = info = msg
    warn = warning = error = err = critical = fatal = exception = failure = urgent


class _Flusher(threading.Thread):
    """Flushes the current writer every FLUSH_EVERY seconds, and once more at exit.

    Made by the first `configure_logging`, never at import: importing the kernel starts
    no thread and registers nothing."""

    def __init__(self) -> None:
        super().__init__(name="ossature-log-flusher", daemon=True)
        self.writer: _LineWriter | None = None
        atexit.register(self.flush)

    def run(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY)
            self.flush()

    def flush(self) -> None:
        writer = self.writer
        if writer is not None:
            with contextlib.suppress(Exception):  # a closed stream: nothing left to flush
                writer.flush()


_flushers: list[_Flusher] = []  # the process's one flusher, once logging is configured


class _Copy:
    """Appends each line to <folder>/<pid>.jsonl, a line at a time (a process killed loses
    none); a forked child opens its own file."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.pid = folder, 0
        self.file: TextIO | None = None
        self.lock = threading.Lock()

    def write(self, line: str) -> None:
        with self.lock:
            if self.pid != os.getpid() or self.file is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                self.pid = os.getpid()
                self.file = (self.folder / f"{self.pid}.jsonl").open("a", buffering=1)
            self.file.write(line + "\n")


_copies: dict[Path, _Copy] = {}  # one per folder, kept across configure_logging calls
_roots: dict[tuple[str, int | None], Any] = {}  # per name and level; configure_logging clears
_default_level = [0]  # the level configure_logging set: nothing filtered before it runs


class _Render:
    """The last processor: the line for the stream, its JSON also copied when asked."""

    def __init__(self, fmt: str, copy: _Copy | None) -> None:
        self.console = structlog.dev.ConsoleRenderer() if fmt == "console" else None
        self.copy = copy

    def __call__(self, logger: Any, method: str, event: MutableMapping[str, Any]) -> str:
        line = _dumps(event) if self.console is None or self.copy is not None else ""
        if self.copy is not None:
            self.copy.write(line)
        return line if self.console is None else str(self.console(logger, method, event))


def _copy() -> _Copy | None:
    folder = os.environ.get(COPY_VARIABLE)
    if not folder:
        return None
    path = Path(folder).resolve()
    return _copies.setdefault(path, _Copy(path))


class _LevelFilter:
    """Drops lines below the invocation's minimum level, or the process default."""

    def __init__(self, default: int) -> None:
        self.default = default

    def __call__(self, _: Any, method: str, event: MutableMapping[str, Any]) -> Any:
        minimum = event.pop(_MIN_LEVEL_KEY, self.default)
        if _LEVELS.get(method, 20) < minimum:
            raise structlog.DropEvent
        return event


def configure_logging(fmt: str = "json", level: str = "info", stream: Any = None) -> None:
    """Configure structlog for the process: JSON lines or console rendering."""
    writer = _LineWriter(stream or sys.stdout)
    structlog.configure(
        processors=[
            _LevelFilter(_LEVELS.get(level, 20)),
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact_processor,
            _Render(fmt, _copy()),
        ],
        logger_factory=lambda *_: writer,
        cache_logger_on_first_use=False,
    )
    _roots.clear()  # bound to the previous configuration's processors and writer
    _default_level[0] = _LEVELS.get(level, 20)
    if not _flushers:
        _flushers.append(_Flusher())
        _flushers[0].start()
    _flushers[0].flush()  # what the previous writer holds
    _flushers[0].writer = writer
    logging.basicConfig(level=logging.WARNING, stream=stream or sys.stderr)


def get_logger(name: str = "ossature") -> Any:
    """A logger for code outside any invocation."""
    return structlog.get_logger(name)


def for_context(ctx: Context, name: str = "ossature") -> Any:
    """A logger bound to the invocation's ids and its `log.level` toggle."""
    fields: dict[str, Any] = ctx.log_fields()
    minimum = _LEVELS.get(ctx.toggle("log.level") or "")
    if minimum is not None:
        fields[_MIN_LEVEL_KEY] = minimum
    return _root(name, minimum).bind(**fields)


def _root(name: str, minimum: int | None) -> Any:
    """A bound logger for `name` that drops calls below `minimum` (else the process's level)
    before any processor runs, made once per configuration: a lazy proxy's bind wraps anew
    each time, and a dropped debug line cost 3 us through the processors."""
    root = _roots.get((name, minimum))
    if root is None:
        level = _default_level[0] if minimum is None else minimum
        wrapper = structlog.make_filtering_bound_logger(level)
        logger = structlog.get_config()["logger_factory"](name)
        root = _roots[(name, minimum)] = structlog.wrap_logger(logger, wrapper_class=wrapper).bind()
    return root
