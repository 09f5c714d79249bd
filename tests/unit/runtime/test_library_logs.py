"""Libraries' log records (uvicorn's, asyncpg's) come out as our JSON lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from ossature.kernel.logging import configure_logging
from ossature.runtime.library_logs import route_library_logs


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """Our logging into a buffer, the libraries' routed to it; put back as it was after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    route_library_logs()
    yield stream
    root.handlers, root.level = handlers, level
    configure_logging("json", "warning")


def test_uvicorn_s_error_is_one_json_line_with_its_traceback(lines: io.StringIO) -> None:
    """An error with an exception: one line, the library's logger named, the traceback a field."""
    # when
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    # then
    [line] = lines.getvalue().splitlines()
    record = json.loads(line)
    assert ("uvicorn.error", "error") == (record["logger"], record["level"])
    assert "ValueError: boom" in record["exception"]


def test_a_library_warning_carries_its_error_not_a_traceback(lines: io.StringIO) -> None:
    """A pool's retry while the database restarts: the error's repr, and below WARNING nothing."""
    # when
    logging.getLogger("asyncpg.pool").info("not shown")
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except ConnectionRefusedError:
        logging.getLogger("asyncpg.pool").warning("retrying", exc_info=True)
    # then
    [line] = lines.getvalue().splitlines()
    record = json.loads(line)
    assert ("retrying", "warning") == (record["event"], record["level"])
    assert "exception" not in record and "Connection refused" in record["error"]
