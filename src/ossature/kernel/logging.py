"""Structured logs: JSON by default, readable in a terminal with OSSATURE_LOG_FORMAT=console.

Every line of an invocation carries its ids (bind them with `for_context`). The
default minimum level is INFO; the toggle `log.level` of one invocation lowers
it for that invocation only. Values under secret-looking keys are masked.

Lines are buffered: warnings and errors reach the stream at once, info and debug lines
within FLUSH_EVERY seconds (and at exit), so that logging every invocation does not cost a
system call each.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import logging
import sys
import threading
import time
from collections.abc import Mapping, MutableMapping
from typing import Any

import msgspec
import structlog

from ossature.kernel.context import Context

__all__ = ["FLUSH_EVERY", "REDACTED", "configure_logging", "for_context", "get_logger", "redact"]

REDACTED = "[redacted]"
_LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}
_SECRET_PARTS = ("password", "secret", "token", "authorization", "pepper", "cookie", "credential")
_MIN_LEVEL_KEY = "_min_level"
FLUSH_EVERY = 0.2  # seconds an info line may wait in the buffer
_json = msgspec.json.Encoder(enc_hook=repr)  # what JSON cannot hold is written as its repr


def _dumps(value: Any, **_: Any) -> str:
    """A log line as JSON, several times faster than json.dumps (one line per invocation)."""
    return _json.encode(value).decode()


@functools.lru_cache(maxsize=4096)  # log field names are few
def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in _SECRET_PARTS)


def redact(value: Any) -> Any:
    """A copy of `value` with every secret-looking key's value masked, at any depth."""
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_secret(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})  # values with nothing inside to mask


def _redact_processor(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
    for key, value in event.items():
        nested = type(value) not in _PLAIN and isinstance(value, Mapping | list | tuple)
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
    renderer: Any = (
        structlog.dev.ConsoleRenderer()
        if fmt == "console"
        else structlog.processors.JSONRenderer(serializer=_dumps)
    )
    structlog.configure(
        processors=[
            _LevelFilter(_LEVELS.get(level, 20)),
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact_processor,
            renderer,
        ],
        logger_factory=lambda *_: writer,
        cache_logger_on_first_use=False,
    )
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
    fields: dict[str, Any] = dict(ctx.log_fields())
    wanted = ctx.toggle("log.level")
    if wanted in _LEVELS:
        fields[_MIN_LEVEL_KEY] = _LEVELS[wanted]
    return structlog.get_logger(name).bind(**fields)
