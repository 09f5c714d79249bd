"""The load generator's bookkeeping and its HTTP client, without sockets."""

import asyncio
import re

import pytest

from ossature.tools.bench._http import (
    Head,
    ProtocolError,
    encode_request,
    parse_head,
    read_answer,
)
from ossature.tools.bench._load import Recorder, Window, error_kind
from ossature.tools.bench._plan import Plan

WINDOW = Window.of(begin=100.0, warmup=1.0, duration=10.0)  # measured from 101 to 111


def _plan(fresh: bool) -> Plan:
    return Plan(
        "create-project", "127.0.0.1", 8765, "/commands/create-project", "tok", "F1", fresh, fresh
    )


def test_only_successes_completed_inside_the_window_are_timed() -> None:
    """An answer during the warm-up or after the end is not a sample; one inside is."""
    recorder = Recorder(WINDOW)

    recorder.answer(200, began=100.2, done=100.5)  # warm-up
    recorder.answer(200, began=105.0, done=105.25)  # measured
    recorder.answer(200, began=110.9, done=111.2)  # after the end

    assert [0.25] == recorder.latencies


def test_errors_count_from_the_warm_up_to_the_end_of_the_window() -> None:
    """A refused answer in the warm-up is counted, one completing after the end is not."""
    recorder = Recorder(WINDOW)

    recorder.answer(500, began=100.1, done=100.2)
    recorder.answer(409, began=105.0, done=105.1)
    recorder.failure(TimeoutError(), done=106.0)
    recorder.answer(500, began=110.9, done=111.5)

    assert ({"status 500": 1, "status 409": 1, "timeout": 1}, []) == (
        dict(recorder.errors),
        recorder.latencies,
    )


def test_every_success_is_served_from_the_warm_up_to_the_clients_stopping() -> None:
    """Successes in the warm-up, the window and after its end are served; errors are not."""
    recorder = Recorder(WINDOW)

    recorder.answer(201, began=100.2, done=100.5)  # warm-up
    recorder.answer(200, began=105.0, done=105.25)  # measured
    recorder.answer(200, began=110.9, done=111.2)  # in flight at the end
    recorder.answer(500, began=105.0, done=105.1)
    recorder.failure(TimeoutError(), done=106.0)

    assert (3, 1) == (recorder.served, len(recorder.latencies))


def test_a_transport_failure_is_counted_by_its_type() -> None:
    """Errors that are not answers carry the exception's name."""
    assert "ConnectionResetError" == error_kind(None, ConnectionResetError())


def test_a_request_carries_its_length_and_headers() -> None:
    """The bytes sent are a complete HTTP/1.1 POST with a JSON body."""
    expected = (
        b"POST /q HTTP/1.1\r\nHost: h:1\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer t\r\nContent-Length: 2\r\n\r\n{}"
    )

    assert expected == encode_request("h:1", "/q", {"Authorization": "Bearer t"}, b"{}")


def test_a_head_is_parsed_case_insensitively() -> None:
    """Status, length and Connection: close are read whatever the headers' case."""
    raw = b"HTTP/1.1 201 Created\r\ncontent-LENGTH: 12\r\nConnection: Close\r\n\r\n"

    assert Head(201, 12, False, True) == parse_head(raw)


def test_a_head_that_is_not_http_is_refused() -> None:
    """Garbage in place of a status line is a protocol error, counted as such."""
    with pytest.raises(ProtocolError):
        parse_head(b"SSH-2.0-OpenSSH\r\n\r\n")


async def _answer_of(raw: bytes) -> tuple[Head, bytes]:
    reader = asyncio.StreamReader()
    reader.feed_data(raw)
    reader.feed_eof()
    return await read_answer(reader)


async def test_a_chunked_answer_is_reassembled() -> None:
    """Chunks are joined into one body."""
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"

    head, body = await _answer_of(raw)

    assert (200, b"abcde") == (head.status, body)


async def test_keep_alive_answers_are_read_one_at_a_time() -> None:
    """A Content-Length answer leaves the next answer's bytes in the stream."""
    first = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    reader = asyncio.StreamReader()
    reader.feed_data(first + b"HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n")
    reader.feed_eof()

    answers = [await read_answer(reader), await read_answer(reader)]

    assert [(200, b"ok"), (409, b"")] == [(head.status, body) for head, body in answers]


def test_each_command_gets_a_fresh_idempotency_key_and_name_in_every_round() -> None:
    """create-project requests differ in their key and in the project's name, also between
    two rounds (each round's generator starts its supply again)."""
    plan = _plan(fresh=True)
    rounds = [plan.requests(generator=0), plan.requests(generator=0)]

    sent = [next(requests) for requests in rounds for _ in range(2)]

    names = {re.search(rb'"name":"(bench 0-[^"]+)"', request)[1] for request in sent}
    keys = {re.search(rb"Idempotency-Key: (\S+)", request)[1] for request in sent}
    assert (4, 4) == (len(names), len(keys))


def test_a_query_is_the_same_request_each_time() -> None:
    """list-projects needs no key: its bytes are made once."""
    requests = _plan(fresh=False).requests(generator=0)

    first, second = next(requests), next(requests)

    assert (first, b"Idempotency-Key" in first) == (second, False)
