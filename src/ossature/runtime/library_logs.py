"""The libraries' own log lines (uvicorn, asyncpg, nats-py...) written as Ossature's JSON lines.

Without this, Python's logging writes them to stderr as text, several lines of traceback for
one event: a connection pool's retry while PostgreSQL restarts, uvicorn's error in an
application. Warnings carry the error's repr; errors, their traceback as one field.
"""

from __future__ import annotations

import logging

from ossature.kernel.logging import get_logger

__all__ = ["route_library_logs"]


class _ToOurs(logging.Handler):
    """Hands each record to our logger, under the library's logger name."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields: dict[str, object] = {"logger": record.name}
            error = record.exc_info[1] if record.exc_info else None
            if error is not None and record.levelno >= logging.ERROR:
                fields["exc_info"] = record.exc_info
            elif error is not None:
                fields["error"] = repr(error)[:300]
            get_logger(record.name).log(record.levelno, record.getMessage(), **fields)
        except Exception:
            self.handleError(record)


def route_library_logs(level: int = logging.WARNING) -> None:
    """Send every record of Python's logging at `level` or above through our logger, and
    nothing to stderr."""
    root = logging.getLogger()
    root.handlers = [_ToOurs()]
    root.setLevel(level)
