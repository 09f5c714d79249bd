"""Logs: secrets masked, ids bound, the per-invocation level toggle, the copy for CI."""

import io
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pytest
from msgspec import structs

from ossature.kernel.logging import (
    FLUSH_EVERY,
    REDACTED,
    configure_logging,
    for_context,
    get_logger,
    redact,
)
from ossature.kernel.sensitive import Personal, Secret
from ossature.runtime.contexts import OPERATOR, internal_context


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def test_secret_values_are_masked_at_any_depth() -> None:
    """Values under password, token or secret keys never reach a log line."""
    masked = redact({"email": "a@b.c", "nested": [{"password": "hunter2", "accessToken": "eyJ"}]})
    assert {"email": "a@b.c", "nested": [{"password": REDACTED, "accessToken": REDACTED}]} == masked


def test_every_line_carries_the_invocation_ids() -> None:
    """A logger bound to a context writes its invocation and trace ids on each line."""
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    ctx = internal_context(OPERATOR)
    # pragma: allowlist nextline secret: a made-up value the logs must hide
    for_context(ctx).info("something", password="hunter2")
    [line] = lines(stream)
    assert (ctx.trace.invocation_id, ctx.trace.originating_trace_id, REDACTED) == (
        line["invocation_id"],
        line["trace_id"],
        line["password"],
    )


def test_secrets_nested_in_a_line_s_values_are_masked() -> None:
    """Under a plain key, a dict, a list or any other mapping is searched for secrets too."""
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    view = MappingProxyType({"password": "hunter2", "user": "ann"})
    get_logger().info("nested", details={"token": "eyJ"}, items=[{"secret": 1}], view=view)
    [line] = lines(stream)
    expected = ({"token": REDACTED}, [{"secret": REDACTED}], {"password": REDACTED, "user": "ann"})

    actual = (line["details"], line["items"], line["view"])

    assert expected == actual


def test_the_debug_toggle_raises_the_level_for_one_invocation_only() -> None:
    """Debug lines appear for the invocation that asked for them, not for others."""
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    plain = internal_context(OPERATOR)
    verbose = structs.replace(internal_context(OPERATOR), toggles={"log.level": "debug"})
    for_context(plain).debug("hidden")
    for_context(verbose).debug("shown")
    assert ["shown"] == [line["event"] for line in lines(stream)]


def test_warnings_are_written_at_once_and_info_lines_soon_after(tmp_path: Path) -> None:
    """An error line is on disk when the call returns; an info line within the flush period."""
    path = tmp_path / "log"
    with path.open("w") as stream:
        configure_logging("json", "info", stream)
        logger = get_logger("test")
        logger.error("at-once")
        at_once = [line["event"] for line in _read(path)]
        logger.info("soon")
        deadline = time.monotonic() + 20 * FLUSH_EVERY
        while time.monotonic() < deadline and len(_read(path)) < 2:
            time.sleep(FLUSH_EVERY / 4)
        expected = (["at-once"], ["at-once", "soon"])

        actual = (at_once, [line["event"] for line in _read(path)])

        configure_logging("json", "info", io.StringIO())  # the file is about to close
    assert expected == actual


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


@dataclass
class _Holder:
    key: Secret[str]


def _log_sensitive_values(fmt: str) -> str:
    stream = io.StringIO()
    configure_logging(fmt, "info", stream)
    # pragma: allowlist nextline secret: made-up values the logs must hide
    token, email = Secret("tok-4f1c9e"), Personal("ada@example.com")
    deep = {"people": [{"who": email, "keys": (token,)}], "holder": _Holder(token)}
    get_logger().info("sensitive", plain=token, person=email, deep=deep)
    return stream.getvalue()


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_secret_and_personal_values_never_reach_a_line_at_any_depth(fmt: str) -> None:
    """A Secret or Personal value, top-level or deep in a mapping, a list, a tuple or an
    object, is rendered as its mask in either format."""
    line = _log_sensitive_values(fmt)
    absent = ("tok-4f1c9e", "ada@example.com")
    expected = ((False, False), True, True)
    assert expected == (tuple(v in line for v in absent), "***" in line, "<personal>" in line)


def test_with_a_copy_folder_each_line_is_also_appended_there_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OSSATURE_LOG_COPY gets every line as JSON, whatever the stream's format."""
    monkeypatch.setenv("OSSATURE_LOG_COPY", str(tmp_path))
    configure_logging("console", "info", io.StringIO())
    get_logger().warning("copied", person=Personal("ada@example.com"))
    monkeypatch.delenv("OSSATURE_LOG_COPY")
    configure_logging("json", "info", io.StringIO())  # copies nothing more
    get_logger().warning("not-copied")
    [line] = _read(tmp_path / f"{os.getpid()}.jsonl")
    assert ("copied", "warning", "<personal>") == (line["event"], line["level"], line["person"])


def test_a_context_s_logger_writes_where_the_latest_configuration_says() -> None:
    """Configuring logging again sends the next invocation's lines to the new stream only."""
    first, second = io.StringIO(), io.StringIO()
    ctx = internal_context(OPERATOR)
    configure_logging("json", "info", first)
    for_context(ctx).info("before")
    configure_logging("json", "warning", second)
    for_context(ctx).info("dropped")
    for_context(ctx).warning("after")
    assert (["before"], ["after"]) == (
        [line["event"] for line in lines(first)],
        [line["event"] for line in lines(second)],
    )


def test_a_secret_key_among_plain_values_is_masked_on_every_line() -> None:
    """The same line twice (its keys' check remembered) masks its secret both times."""
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    for _ in range(2):
        # pragma: allowlist nextline secret: a made-up value the logs must hide
        get_logger().info("twice", user="ann", api_token="eyJ")
    assert [REDACTED, REDACTED] == [line["api_token"] for line in lines(stream)]


def test_a_warning_toggle_quiets_one_invocation_s_info_lines_only() -> None:
    """An invocation asking for warnings drops its info lines; another one's still appear."""
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    quiet = structs.replace(internal_context(OPERATOR), toggles={"log.level": "warning"})
    for_context(quiet).info("hidden")
    for_context(internal_context(OPERATOR)).info("shown")
    for_context(quiet).warning("loud")
    assert ["shown", "loud"] == [line["event"] for line in lines(stream)]
