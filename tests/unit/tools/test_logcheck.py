"""The log-line check: the lines we write pass, a malformed or leaking line is refused."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ossature.kernel.logging import configure_logging, for_context, get_logger
from ossature.kernel.sensitive import Personal, Secret
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.tools.logcheck.__main__ import main
from ossature.tools.logcheck._check import check_line, run, validator

SCHEMA = validator()
GOOD = '{"event":"invocation","level":"info","timestamp":"2026-12-04T03:46:01.591761Z"}'
TOKEN = "oss_pat_" + "0" * 26 + "1" * 26 + "a" * 43  # a made-up token of the real shape


def _written() -> list[str]:
    stream = io.StringIO()
    configure_logging("json", "info", stream)
    ctx = internal_context(OPERATOR)
    for_context(ctx).info("invocation", kind="command", name="x", status=200, duration_ms=1.5)
    for_context(ctx).warning("odd", key=Secret("k"), person=Personal("ada@example.com"))
    try:
        raise ValueError("boom")
    except ValueError:
        get_logger().exception("failed")
    configure_logging("json", "warning")
    return stream.getvalue().splitlines()


def test_the_lines_the_kernel_writes_are_valid() -> None:
    """An invocation's lines, masked values and a traceback included, pass the schema."""
    lines = _written()
    assert (3, [[], [], []]) == (len(lines), [check_line(line, SCHEMA) for line in lines])


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"event":"x","timestamp":"2026-12-04T03:46:01Z"}', "(line): required"),
        (GOOD.replace('"info"', '"loud"'), "level: enum"),
        (GOOD.replace("03:46:01.591761Z", "03:46:01"), "timestamp: pattern"),
        (GOOD[:-1] + ',"status":"200"}', "status: type"),
        (GOOD[:-1] + ',"trace_id":"not-a-trace"}', "trace_id: pattern"),
        ("not json at all", "not JSON"),
        (GOOD[:-1] + f',"detail":"{TOKEN}"}}', "holds a personal access token"),
        (GOOD[:-1] + ',"hash":"$argon2id$v=19$m=19456"}', "holds a password hash"),
        # pragma: allowlist nextline secret: a made-up value the check must refuse
        (GOOD[:-1] + ',"jwt":"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhIn0.c2ln"}', "holds a JWT"),
        # pragma: allowlist nextline secret: a made-up value the check must refuse
        (GOOD[:-1] + ',"pem":"-----BEGIN PRIVATE KEY-----"}', "holds a PEM key"),
    ],
)
def test_a_malformed_or_leaking_line_is_refused_with_its_reason(line: str, reason: str) -> None:
    """Each way a line can be wrong is named."""
    assert [reason] == check_line(line, SCHEMA)


def test_a_folder_with_any_invalid_line_fails_and_its_counts_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command exits 1 on one bad line among good ones, and says how many and where."""
    (tmp_path / "1.jsonl").write_text(f"{GOOD}\n{GOOD}\n")
    (tmp_path / "2.jsonl").write_text(json.dumps({"event": "x", "level": "info"}) + "\n")
    status = main([str(tmp_path)])
    printed = capsys.readouterr().out.splitlines()
    expected = (1, "log lines: 3 in 2 files, 1 invalid", "1  (line): required  (e.g. 2.jsonl:1)")
    assert expected == (status, printed[0], printed[1].strip())


def test_a_folder_of_valid_lines_passes_and_an_empty_one_fails(tmp_path: Path) -> None:
    """No line at all is a failure too: the copy did not happen."""
    empty = run(tmp_path)[0]
    (tmp_path / "1.jsonl").write_text(f"{GOOD}\n")
    assert (1, 0) == (empty, run(tmp_path)[0])
